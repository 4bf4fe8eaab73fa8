# workerd configuration for the e2e tests (make test-edge): edge/config.capnp's
# worker plus bindings:
# - HIWL_EDGE_TEST_HOOKS makes the Go instance add the test-only route
#   POST /__test/crash (it kills the instance, to test recovery). Never
#   define it in wrangler.toml.
# - HIWL_API_KEYS and HIWL_CORS_ORIGINS as a deployment sets them (the keys
#   as a secret there: `wrangler secret put HIWL_API_KEYS`); the tests send
#   these keys and this origin. edge/config.capnp binds neither (open API,
#   any origin).
using Workerd = import "/workerd/workerd.capnp";
using Edge = import "config.capnp";

const config :Workerd.Config = (
  services = [(name = "hiwl-edge", worker = .testWorker)],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "hiwl-edge")],
);

const testWorker :Workerd.Worker = (
  modules = Edge.edgeModules,
  compatibilityDate = Edge.compatibilityDate,
  compatibilityFlags = Edge.compatibilityFlags,
  bindings = [
    (name = "HIWL_EDGE_TEST_HOOKS", text = "1"),
    (name = "HIWL_API_KEYS", text = "e2e-key-one, e2e-key-two"),
    (name = "HIWL_CORS_ORIGINS", text = "https://outreach.example https://zoo.example"),
  ],
);
