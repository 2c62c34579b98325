// Starts DynamoDB Local (the jar that npm amplify-dynamodb-simulator ships) in memory, creates the declared tables,
// then prints one ready line: "dynamodb local listening on http://127.0.0.1:<port>/".
//
//   node start.mjs --port 8000 [--table Candidates=CandidateName]... [--exit-with-stdin] [--start-timeout 120]
//
// Why a script rather than the bare java command line: DynamoDB Local starts empty (a restarted in-memory instance
// must get its tables back before anyone uses it), it does not exit when its port is taken (it logs "Failed to bind"
// and keeps running), and a missing Java should say what to install instead of "command not found".
// Exit codes: 2 Java missing or too old, 3 port in use, 4 not ready in time, 5 jar missing; otherwise Java's own.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const MinimumJava = 17;
const here = dirname(fileURLToPath(import.meta.url));
const emulatorDir = join(here, "node_modules", "amplify-dynamodb-simulator", "emulator");

function fail(code, message) {
  process.stderr.write(`dynamodb local: ${message}\n`);
  process.exit(code);
}

function parseArguments(argv) {
  const options = { port: undefined, tables: [], exitWithStdin: false, startTimeoutSeconds: 120 };
  for (let i = 0; i < argv.length; i++) {
    const value = () => argv[++i] ?? fail(1, `${argv[i - 1]} needs a value`);
    switch (argv[i]) {
      case "--port": options.port = Number.parseInt(value(), 10); break;
      case "--table": {
        const [name, hashKey] = value().split("=");
        if (!name || !hashKey) fail(1, "--table expects Name=HashKeyAttribute");
        options.tables.push({ name, hashKey });
        break;
      }
      case "--exit-with-stdin": options.exitWithStdin = true; break;
      case "--start-timeout": options.startTimeoutSeconds = Number.parseFloat(value()); break;
      default: fail(1, `unknown argument ${argv[i]}`);
    }
  }
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    fail(1, "--port must be 1-65535 (DynamoDB Local cannot pick its own port)");
  }
  return options;
}

// DYNAMODB_LOCAL_JAVA names the java executable to use instead of searching JAVA_HOME and PATH: for a JDK that is
// not the default, and so tests can give this one resource a Java that does not exist without touching the machine.
const javaOverride = process.env.DYNAMODB_LOCAL_JAVA;

function findJava() {
  if (javaOverride) return existsSync(javaOverride) ? javaOverride : undefined;
  const name = process.platform === "win32" ? "java.exe" : "java";
  const candidates = [];
  if (process.env.JAVA_HOME) candidates.push(join(process.env.JAVA_HOME, "bin", name));
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir) candidates.push(join(dir, name));
  }
  return candidates.find((path) => existsSync(path));
}

const installHint = `install Java ${MinimumJava}+ (e.g. 'sudo apt-get install openjdk-17-jre-headless') and start it again`;

function checkJava() {
  const java = findJava();
  if (!java) {
    const where = javaOverride ? `at ${javaOverride} (DYNAMODB_LOCAL_JAVA)` : "on PATH or in JAVA_HOME";
    fail(2, `Java was not found ${where}; DynamoDB Local needs it: ${installHint}.`);
  }
  const result = spawnSync(java, ["-version"], { encoding: "utf8", timeout: 60_000 });
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (result.error || !match) {
    fail(2, `'${java} -version' did not run or report a version; ${installHint}.`);
  }
  // Java 8 and earlier report "1.8.0_…".
  const major = match[1] === "1" ? Number(match[2]) : Number(match[1]);
  if (major < MinimumJava) {
    fail(2, `found Java ${major} at ${java}; DynamoDB Local here needs Java ${MinimumJava} or later: ${installHint}.`);
  }
  return java;
}

// DynamoDB Local wants a SigV4-shaped Authorization header but does not verify the signature (with -sharedDb the
// access key and region don't select a database either).
async function call(port, operation, body) {
  const response = await fetch(`http://127.0.0.1:${port}/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.0",
      "X-Amz-Target": `DynamoDB_20120810.${operation}`,
      Authorization: "AWS4-HMAC-SHA256 Credential=local/20000101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.json() };
}

async function waitUntilAnswering(port, deadline, exited) {
  for (;;) {
    if (exited()) throw new Error("DynamoDB Local exited before it answered");
    try {
      const { status } = await call(port, "ListTables", {});
      if (status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error("DynamoDB Local did not answer in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function createTable(port, { name, hashKey }) {
  const { status, body } = await call(port, "CreateTable", {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: "S" }],
    KeySchema: [{ AttributeName: hashKey, KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
  });
  if (status !== 200 && !String(body.__type).endsWith("ResourceInUseException")) {
    throw new Error(`creating table ${name} failed: ${status} ${body.__type}`);
  }
}

const options = parseArguments(process.argv.slice(2));
if (!existsSync(join(emulatorDir, "DynamoDBLocal.jar"))) {
  fail(5, `${join(emulatorDir, "DynamoDBLocal.jar")} is missing: run 'npm ci' in ${here} (building Flasky.Tests or Flasky.AppHost does it).`);
}
const java = checkJava();

// DynamoDB Local binds every interface; if the port is taken, another server would answer the readiness probe.
// Checked here first; the "Failed to bind" watch below covers a process that takes the port in the moment between.
await new Promise((resolve) => {
  const probe = createServer();
  probe.once("error", () => fail(3, `port ${options.port} is already in use.`));
  probe.listen(options.port, "0.0.0.0", () => probe.close(resolve));
});

const child = spawn(java, [
  // A small JVM that starts fast: the emulator holds test-sized data and shares 2 cores with everything else.
  "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xms64m",
  `-Djava.library.path=${join(emulatorDir, "DynamoDBLocal_lib")}`,
  "-jar", join(emulatorDir, "DynamoDBLocal.jar"),
  "-inMemory", "-sharedDb", "-disableTelemetry", "-port", String(options.port),
], { cwd: emulatorDir, stdio: ["ignore", "pipe", "pipe"] });

let exited = false;
let bindFailed = false;
let startFailed = false;
const watchForBindFailure = (chunk) => {
  if (!bindFailed && chunk.toString().includes("Failed to bind")) {
    bindFailed = true;
    process.stderr.write(`dynamodb local: port ${options.port} is already in use.\n`);
    child.kill("SIGTERM");
  }
};
child.stdout.on("data", (chunk) => { process.stdout.write(chunk); watchForBindFailure(chunk); });
child.stderr.on("data", (chunk) => { process.stderr.write(chunk); watchForBindFailure(chunk); });
child.on("exit", (code, signal) => {
  exited = true;
  process.exit(bindFailed ? 3 : startFailed ? 4 : code ?? (signal ? 1 : 0));
});

const stop = () => { if (!exited) child.kill("SIGTERM"); };
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("exit", stop);
if (options.exitWithStdin) {
  process.stdin.on("end", stop).on("close", stop).resume();
}

try {
  await waitUntilAnswering(options.port, Date.now() + options.startTimeoutSeconds * 1000, () => exited || bindFailed);
  for (const table of options.tables) {
    await createTable(options.port, table);
  }
  process.stdout.write(`dynamodb local listening on http://127.0.0.1:${options.port}/\n`);
} catch (error) {
  if (!bindFailed) {
    process.stderr.write(`dynamodb local: ${error.message}\n`);
    startFailed = true;
    child.kill("SIGTERM");
  }
}
