# workerd configuration serving the edge classifier locally, fully offline:
# the same modules wrangler would upload (edge/build, made by
# `make edge-build`). The listen address here is a default; the scripts
# override it with --socket-addr http=127.0.0.1:PORT. config-test.capnp is
# the same worker with the e2e tests' hook enabled.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "hiwl-edge", worker = .edgeWorker)],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "hiwl-edge")],
);

const edgeWorker :Workerd.Worker = (
  modules = .edgeModules,
  compatibilityDate = .compatibilityDate,
  compatibilityFlags = .compatibilityFlags,
);

const edgeModules :List(Workerd.Worker.Module) = [
  # The first module is the entry point: glue/entry.mjs (copied into
  # build/), which owns the Go instance (see edge/README.md); wasm_exec.js
  # and runtime.mjs are syumai/workers' own.
  (name = "entry.mjs", esModule = embed "build/entry.mjs"),
  (name = "wasm_exec.js", esModule = embed "build/wasm_exec.js"),
  (name = "runtime.mjs", esModule = embed "build/runtime.mjs"),
  (name = "app.wasm", wasm = embed "build/app.wasm"),
];

# Keep in step with wrangler.toml; at most the bundled workerd's date.
const compatibilityDate :Text = "2025-07-01";

# enable_request_signal: request.signal aborts when the client goes away,
# which the entry module needs to end a cancelled request's wait in Go
# (edge/README.md, "A client that goes away"). Keep in step with
# wrangler.toml and scripts/miniflare.mjs.
const compatibilityFlags :List(Text) = ["enable_request_signal"];
