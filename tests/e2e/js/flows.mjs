// Drives the official @fal-ai/client, unmodified, against a framecast server.
// Usage: node flows.mjs <middleware|proxy> <png path> <webhook url>; env FRAMECAST_URL, FRAMECAST_KEY.
import { createFalClient } from "@fal-ai/client";
import { readFileSync } from "node:fs";

const [mode, pngPath, webhookUrl] = process.argv.slice(2);
const base = process.env.FRAMECAST_URL;
const credentials = process.env.FRAMECAST_KEY;
const T2V = "fal-ai/pika/v2.1/text-to-video";

const fal = mode === "proxy"
  ? createFalClient({ credentials, proxyUrl: { url: `${base}/proxy`, when: "always" } })
  : createFalClient({
      credentials,
      requestMiddleware: async (req) => ({
        ...req,
        url: req.url
          .replace(/^https:\/\/queue\.fal\.run\//, `${base}/queue/`)
          .replace(/^https:\/\/fal\.run\//, `${base}/`)
          .replace(/^https:\/\/rest\.fal\.ai\//, `${base}/rest/`),
      }),
    });

const report = {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const queueMode of ["polling", "streaming"]) {
  const updates = [];
  const out = await fal.subscribe(T2V, {
    input: { prompt: "a red ball", duration: 1, seed: 21 },
    logs: true,
    mode: queueMode,
    pollInterval: 100,
    onQueueUpdate: (u) => updates.push({ status: u.status, logs: (u.logs || []).length, progress: u.progress ?? null }),
  });
  report[queueMode] = { data: out.data, requestId: out.requestId, updates };
}

const { request_id } = await fal.queue.submit(T2V, { input: { prompt: "a box", duration: 1 } });
let status;
do {
  status = await fal.queue.status(T2V, { requestId: request_id, logs: true });
  await sleep(100);
} while (status.status !== "COMPLETED");
const result = await fal.queue.result(T2V, { requestId: request_id });
report.queue = { status, data: result.data, requestId: result.requestId };

const slow = await fal.queue.submit(T2V, { input: { prompt: "slow", duration: 10 } });
const victim = await fal.queue.submit(T2V, { input: { prompt: "victim" }, priority: "low" });
await fal.queue.cancel(T2V, { requestId: victim.request_id });
const cancelled = await fal.queue.status(T2V, { requestId: victim.request_id });
await fal.queue.cancel(T2V, { requestId: slow.request_id });
let cancelError = null;
try {
  await fal.queue.result(T2V, { requestId: victim.request_id });
} catch (e) {
  cancelError = { status: e.status, body: e.body };
}
report.cancel = { cancelled, cancelError };

const blob = new Blob([readFileSync(pngPath)], { type: "image/png" });
const imageUrl = await fal.storage.upload(blob);
const i2v = await fal.subscribe("fal-ai/pika/v2.2/image-to-video", {
  input: { image_url: imageUrl, prompt: "it rolls", duration: 1 },
});
report.upload = { imageUrl, data: i2v.data };

let validation = null;
try {
  await fal.queue.submit(T2V, { input: { prompt: "x", aspect_ratio: "21:9" } });
} catch (e) {
  validation = { name: e.constructor.name, status: e.status, fieldErrors: e.fieldErrors ?? null };
}
report.validation = validation;

const hooked = await fal.queue.submit(T2V, { input: { prompt: "hook", duration: 1 }, webhookUrl });
report.webhook = { requestId: hooked.request_id };

console.log(JSON.stringify(report));
