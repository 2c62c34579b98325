#!/usr/bin/env node
// Prints the Terraform configuration in one directory (every *.tf file, as Terraform reads a root module) as one JSON
// document, for the offline infrastructure tests: node hcl2json.mjs <directory>.
//
// Each file is parsed on its own by HashiCorp's HCL parser (@cdktf/hcl2json), so a syntax error names its file; the
// files are then merged the way Terraform merges a module's files, and a block declared twice (two resources with one
// type and name, two variables with one name, ...) is an error, as it is for Terraform.
// Blocks keep hcl2json's shape: every block body is a list (one element per block), attribute expressions are
// "${...}" strings.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import hcl from "@cdktf/hcl2json";

// Top-level blocks keyed by their labels ("resource"/"data" by type, then name; the others by name): one per key.
const labelDepth = { resource: 2, data: 2, variable: 1, output: 1, module: 1 };

function merge(target, source, path, depth) {
  for (const [key, value] of Object.entries(source)) {
    const here = [...path, key];
    if (depth > 0) {
      target[key] ??= {};
      merge(target[key], value, here, depth - 1);
    } else if (key in target) {
      throw new Error(`${here.join(".")} is declared more than once`);
    } else {
      target[key] = value;
    }
  }
}

async function main() {
  const directory = process.argv[2];
  if (!directory) {
    throw new Error("usage: node hcl2json.mjs <directory>");
  }

  const files = (await readdir(directory)).filter((f) => f.endsWith(".tf")).sort();
  if (files.length === 0) {
    throw new Error(`no .tf files in ${directory}`);
  }

  const module = { files };
  for (const file of files) {
    const parsed = await hcl.parse(file, await readFile(join(directory, file), "utf8"));
    for (const [blockType, body] of Object.entries(parsed)) {
      if (blockType === "provider") {
        // Several blocks per provider are legal (aliases): keep them all.
        module.provider ??= {};
        for (const [name, blocks] of Object.entries(body)) {
          module.provider[name] = [...(module.provider[name] ?? []), ...blocks];
        }
        continue;
      }
      if (blockType === "terraform" || blockType === "locals") {
        // So are several terraform and locals blocks.
        module[blockType] = [...(module[blockType] ?? []), ...body];
        continue;
      }
      if (!(blockType in labelDepth)) {
        throw new Error(`${file}: unexpected top-level block "${blockType}"`);
      }
      module[blockType] ??= {};
      merge(module[blockType], body, [blockType], labelDepth[blockType] - 1);
    }
  }

  process.stdout.write(JSON.stringify(module));
}

main().catch((error) => {
  process.stderr.write(`hcl2json: ${error.message}\n`);
  process.exit(1);
});
