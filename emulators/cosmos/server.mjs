// Starts @vercel/cosmosdb-server (in memory, HTTPS with its self-signed certificate) for tests and the AppHost.
//
//   node emulators/cosmos/server.mjs --port <p> [--host 127.0.0.1] [--database NAME --container NAME=/pk ...]
//                                    [--exit-with-stdin]
//
// --port 0 picks a free port; the ready line names the one chosen. --exit-with-stdin stops the server when its
// standard input closes, so a test host that dies without cleaning up does not leave the server running.
//
// Why not the package's CLI: it answers every request with `Connection: close`, so each SDK call pays a TLS
// handshake; the Node API with keepAlive reuses connections. The script also fixes the read-document
// 404 bug and creates the containers the app expects on every start, because the server keeps nothing on disk
// and the app itself never creates databases or containers.
import { createRequire } from "node:module";
import crypto from "node:crypto";
import https from "node:https";

const require = createRequire(import.meta.url);
const { default: isTrueHeader } = require("@vercel/cosmosdb-server/lib/true-header");

function usage(message) {
  if (message) {
    console.error(message);
  }
  console.error(
    "usage: node server.mjs --port <p> [--host 127.0.0.1] [--database NAME --container NAME=/partitionKeyPath ...] [--exit-with-stdin]",
  );
  process.exit(2);
}

function parseArguments(argv) {
  const options = { host: "127.0.0.1", port: undefined, databases: [], exitWithStdin: false };
  let database;
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const value = argv[i + 1];
    switch (key) {
      case "--port":
        options.port = Number.parseInt(value ?? "", 10);
        i++;
        break;
      case "--host":
        if (!value) usage("--host needs a value");
        options.host = value;
        i++;
        break;
      case "--database":
        if (!value) usage("--database needs a name");
        database = { id: value, containers: [] };
        options.databases.push(database);
        i++;
        break;
      case "--container": {
        const match = /^([^=]+)=(\/.+)$/.exec(value ?? "");
        if (!database) usage("--container must follow a --database");
        if (!match) usage(`--container expects NAME=/partitionKeyPath, got '${value ?? ""}'`);
        database.containers.push({ id: match[1], partitionKeyPath: match[2] });
        i++;
        break;
      }
      case "--exit-with-stdin":
        options.exitWithStdin = true;
        break;
      case "-h":
      case "--help":
        usage();
        break;
      default:
        usage(`unknown argument '${key}'`);
    }
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    usage("--port <p> is required");
  }
  return options;
}

// The package's read-document handler dereferences the stored document before checking that it exists, so a read
// of a missing id (or of an id under another partition key) throws and becomes a 500. Real Cosmos answers 404.
// routes.js captures each handler's `default` export when it loads, so the wrapper must be installed before the
// package's entry point is required.
function patchReadDocument() {
  const readDocument = require("@vercel/cosmosdb-server/lib/handler/read-document");
  const { default: getPartitionFromHeader, parsePartitionKey } = require(
    "@vercel/cosmosdb-server/lib/utils/get-partition-from-header",
  );
  const original = readDocument.default;
  readDocument.default = (account, req, res, params) => {
    const collection = account.database(params.dbId).collection(params.collId);
    if (collection.read() && !isTrueHeader(req, "x-ms-documentdb-query-enablecrosspartition")) {
      let partitionKey;
      try {
        partitionKey = parsePartitionKey(getPartitionFromHeader(req), params.docId);
      } catch {
        // A missing or malformed header: let the original handler produce its own answer.
        return original(account, req, res, params);
      }
      if (!collection.document(params.docId, partitionKey).read()) {
        res.statusCode = 404;
        return { code: "NotFound", message: "Entity with the specified id does not exist in the system." };
      }
    }
    return original(account, req, res, params);
  };
}

// The query compiler (@zeit/cosmosdb-query) turns every FROM and JOIN into `coll.reduce(($, c) => [...$, { c }], [])`,
// which copies the whole accumulator for each document: one query over n documents costs O(n²) copies, so every page of
// a listing paid for the whole container again (measured: 12,000 candidates, 1000 per page, 77.8 s for 12 pages before,
// 0.57 s after, on a loaded machine). The rewrite appends in place instead: `($.push(...), $)`. The accumulator is a
// fresh `[]` in every reduce the compiler emits and nothing else holds it, so the result is the same. The code getter is
// on the query class's prototype, so every query compiled afterwards (and cached by the server) gets the linear form.
function linearise(code) {
  let out = "";
  let from = 0;
  for (;;) {
    const start = code.indexOf("[...$,", from);
    if (start < 0) {
      return out + code.slice(from);
    }
    let depth = 0;
    let end = -1;
    let quote = null;
    for (let j = start; j < code.length && end < 0; j++) {
      const ch = code[j];
      if (quote) {
        if (ch === "\\") j++;
        else if (ch === quote) quote = null;
      } else if (ch === '"' || ch === "'" || ch === "`") {
        quote = ch;
      } else if (ch === "[" || ch === "(" || ch === "{") {
        depth++;
      } else if ((ch === "]" || ch === ")" || ch === "}") && --depth === 0) {
        end = j;
      }
    }
    if (end < 0) {
      return out + code.slice(from);
    }
    out += code.slice(from, start) + "($.push(" + linearise(code.slice(start + "[...$,".length, end)) + "), $)";
    from = end + 1;
  }
}

function patchQueryCompiler() {
  // The query package as the server's own modules resolve it, so this is the instance they use.
  const serverRequire = createRequire(require.resolve("@vercel/cosmosdb-server/lib/account/items"));
  const compile = serverRequire("@zeit/cosmosdb-query").default;
  const prototype = Object.getPrototypeOf(compile("SELECT * FROM c"));
  const original = Object.getOwnPropertyDescriptor(prototype, "code");
  if (!original?.get) {
    throw new Error("@zeit/cosmosdb-query changed: its Query.code getter is gone; review patchQueryCompiler in server.mjs");
  }
  Object.defineProperty(prototype, "code", {
    configurable: true,
    get() {
      this._linearCode ??= linearise(original.get.call(this));
      return this._linearCode;
    },
  });
}

// Creates a resource through the server's own REST API (the server checks no keys); 409 means it already exists.
function post(host, port, path, body) {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = https.request(
      {
        host,
        port,
        path,
        method: "POST",
        rejectUnauthorized: false, // the package's own self-signed certificate, on loopback
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode === 201 || res.statusCode === 409) {
            resolve();
          } else {
            reject(new Error(`POST ${path} answered ${res.statusCode}`));
          }
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`POST ${path} timed out`)));
    req.on("error", reject);
    req.end(payload);
  });
}

async function createResources(host, port, databases) {
  for (const database of databases) {
    await post(host, port, "/dbs", { id: database.id });
    for (const container of database.containers) {
      await post(host, port, `/dbs/${encodeURIComponent(database.id)}/colls`, {
        id: container.id,
        partitionKey: { paths: [container.partitionKeyPath], kind: "Hash" },
      });
    }
  }
}

const options = parseArguments(process.argv.slice(2));
patchReadDocument();
patchQueryCompiler();
const { createHttpsServer } = require("@vercel/cosmosdb-server");

const server = createHttpsServer({ keepAlive: true });

// Throttling switch, for tests of how the app handles Cosmos DB's 429 (the server itself never throttles):
//   PUT /_emulator/throttle {"retryAfterMs": 2500}  → every other request gets 429 with that x-ms-retry-after-ms
//   DELETE /_emulator/throttle                        → normal service again
//   GET /_emulator/throttle                           → {"retryAfterMs": …|null, "throttled": <requests answered 429>}
const throttle = { retryAfterMs: null, throttled: 0 };
// Every listener the package registered runs as before, in order, unless the switch answers first.
const cosmosHandlers = server.listeners("request");
server.removeAllListeners("request");
server.on("request", (req, res) => {
  if (req.url === "/_emulator/throttle") {
    return controlThrottle(req, res);
  }
  if (throttle.retryAfterMs !== null) {
    throttle.throttled++;
    req.resume();
    res.writeHead(429, {
      "content-type": "application/json",
      "x-ms-retry-after-ms": String(throttle.retryAfterMs),
      "x-ms-substatus": "3200",
      "x-ms-request-charge": "0",
      "x-ms-activity-id": crypto.randomUUID(),
    });
    res.end(JSON.stringify({ code: "TooManyRequests", message: "Request rate is large. (local server throttling switch)" }));
    return undefined;
  }
  answerDistributionQuestion(req, res);
  for (const handler of cosmosHandlers) {
    handler.call(server, req, res);
  }
  return undefined;
});

// The SDK sends a query straight to its one partition first (optimistic direct execution) and asks the backend, through
// this header, whether the query needs the SDK's cross-partition pipeline after all. This server has one partition key
// range, so no query does; Cosmos DB answers false too for a query that runs whole on the partition it was sent to, as
// `SELECT * FROM c` does. Without the header the SDK assumes true as soon as a page has a continuation: it throws that
// page away, builds a query plan in-process and runs the query again from the start. The first plan in a process costs
// 2–4 s of CPU in the SDK's native library (measured here), enough for a host's first paged listing to miss its budget.
function answerDistributionQuestion(req, res) {
  if (isTrueHeader(req, "x-ms-cosmos-query-optimisticdirectexecute")) {
    res.setHeader("x-ms-cosmos-query-requiresdistribution", "false");
  }
}

function controlThrottle(req, res) {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    if (req.method === "PUT") {
      const retryAfterMs = Number.parseInt(JSON.parse(body || "{}").retryAfterMs ?? "", 10);
      if (!Number.isInteger(retryAfterMs) || retryAfterMs < 0) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "expected {\"retryAfterMs\": <non-negative integer>}" }));
        return;
      }
      throttle.retryAfterMs = retryAfterMs;
    } else if (req.method === "DELETE") {
      throttle.retryAfterMs = null;
    } else if (req.method !== "GET") {
      res.writeHead(405, { allow: "GET, PUT, DELETE" });
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(throttle));
  });
}
const sockets = new Set();
server.on("connection", (socket) => {
  sockets.add(socket);
  socket.on("close", () => sockets.delete(socket));
});
server.on("error", (err) => {
  console.error(`cosmos server failed: ${err.message}`);
  process.exit(1);
});

server.listen(options.port, options.host, async () => {
  const { port } = server.address();
  try {
    const wildcard = { "0.0.0.0": "127.0.0.1", "::": "::1" };
    await createResources(wildcard[options.host] ?? options.host, port, options.databases);
  } catch (err) {
    console.error(`cosmos server could not create its containers: ${err.message}`);
    process.exit(1);
  }
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  console.log(`cosmos server listening on https://${host}:${port}/`);
});

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(0));
  // Keep-alive connections would hold close() open; the data is in memory and about to go anyway.
  for (const socket of sockets) {
    socket.destroy();
  }
  setTimeout(() => process.exit(0), 2000).unref();
}

process.on("SIGTERM", stop);
process.on("SIGINT", stop);
if (options.exitWithStdin) {
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.stdin.resume();
}
