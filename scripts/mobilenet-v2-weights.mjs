// Unpacks the pretrained MobileNetV2 that npm's nsfwjs (MIT) bundles as
// JavaScript modules into the TF.js layers format the trainer reads
// (model.json beside its binary weight shards), for `trainer pretrained`.
//
//   node scripts/mobilenet-v2-weights.mjs <nsfwjs package dir> <out dir>
//
// The weights are Keras's ImageNet MobileNetV2 (alpha 1.0, 224 px), whose
// convolutions nsfwjs kept frozen while it trained its own top, stored as
// uint8 with a scale and offset per tensor.
import { createRequire } from "node:module";
import { mkdirSync, writeFileSync, renameSync } from "node:fs";
import { join, resolve } from "node:path";

const [pkg, out] = process.argv.slice(2);
if (!pkg || !out) {
  console.error("usage: node scripts/mobilenet-v2-weights.mjs <nsfwjs package dir> <out dir>");
  process.exit(2);
}
const require = createRequire(import.meta.url);
const dir = join(resolve(pkg), "dist", "models", "mobilenet_v2");
const model = require(join(dir, "model.min.js"));
if (!model.modelTopology || !model.weightsManifest) {
  console.error(`${dir}/model.min.js is not a TF.js layers model`);
  process.exit(1);
}
mkdirSync(out, { recursive: true });
// Each file is written beside its final name and renamed, so that a killed
// run leaves no half file under the name make checks.
const put = (name, data) => {
  const tmp = join(out, name + ".tmp");
  writeFileSync(tmp, data);
  renameSync(tmp, join(out, name));
};
for (const group of model.weightsManifest) {
  for (const path of group.paths) {
    const shard = require(join(dir, path + ".min.js"));
    if (typeof shard !== "string") {
      console.error(`${path}.min.js does not hold a base64 string`);
      process.exit(1);
    }
    put(path, Buffer.from(shard, "base64"));
  }
}
put("model.json", JSON.stringify(model));
console.log(`wrote ${out}/model.json and ${model.weightsManifest.flatMap((g) => g.paths).length} shard(s)`);
