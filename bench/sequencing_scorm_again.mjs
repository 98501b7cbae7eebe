// The same sequencing measurements as bench/sequencing.py, run on scorm-again's SCORM 2004
// sequencing engine (npm, the version pinned in tests/differential/package.json), so the two
// engines can be compared on the same trees. Driven by `python -m bench sequencing`.
//
// Input (file argv[2]): {"report": {...cmi values...}, "rounds": n, "trees": [{"leaves": n,
//   "activityTree": ActivitySettings, "choices": [id, ...], "walk_rounds": n}]}
// Output (file argv[3]): per tree, the delivered order of the walk and of the choices, the
// request_valid answers after start, and the times in ms per request measured here (wall:
// process.hrtime; CPU: process.cpuUsage) in-loop only: Node start-up, module load and the
// building of the engine are not timed.
//
// scorm-again exports only Scorm2004API; its engine is reached through the API's public
// surface: `settings.sequencing.activityTree`, getSequencingService().processNavigationRequest
// and getOverallSequencingProcess().updateNavigationValidity (in its published .d.ts). The SCO's
// report is what the termination reads from the API's CMI (RTE-to-SN data transfer), so it is
// written to the CMI before each request, as a SCO's SetValue calls would.
import { readFileSync, writeFileSync } from "node:fs";

// Resolve the package the way `import "scorm-again/scorm2004"` would from tests/differential
// (its "exports" map sends ESM imports to dist/esm/scorm2004.js); no second install.
const PACKAGE = new URL("../tests/differential/node_modules/scorm-again/", import.meta.url);
const { version } = JSON.parse(readFileSync(new URL("package.json", PACKAGE), "utf8"));
const { Scorm2004API } = await import(new URL("dist/esm/scorm2004.js", PACKAGE).href);

// scorm-again prints every delivery with console.debug (DeliveryHandler.fireDeliveryEvent);
// printing is not sequencing work, so it is silenced here for the whole run.
console.debug = () => {};

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { report, rounds } = input;

// refresh=false: the "navigation only" variant. scorm-again recomputes every
// adl.nav.request_valid answer (look-ahead choice over the whole tree) inside each navigation
// request, twice (after delivery and after the request); our engine computes them only when
// asked (Sequencer.request_valid). To time the navigation proper, this variant turns that
// refresh into a no-op on this engine instance only; the delivered orders are still checked.
// (Its rollback snapshot in prepareNavigationRequest still reads request_valid.continue, so
// one look-ahead per request remains: that is part of its navigation as shipped.)
function engine(activityTree, refresh = true) {
  const api = new Scorm2004API({ autocommit: false, logLevel: 5, sequencing: { activityTree } });
  // The termination hands the SCO's data to sequencing only from an initialized CMI (as after
  // the SCO's Initialize); done once here, outside the timed loops.
  api.cmi.initialize();
  const service = api.getSequencingService();
  if (!refresh) {
    const validity = service.getOverallSequencingProcess().navigationValidityService;
    if (typeof validity?.updateNavigationValidity !== "function") {
      throw new Error("scorm-again changed: no navigationValidityService.updateNavigationValidity");
    }
    validity.updateNavigationValidity = () => {};
  }
  return { api, service };
}

function sco(api) {
  api.cmi.completion_status = report["cmi.completion_status"];
  api.cmi.success_status = report["cmi.success_status"];
}

function delivered(service) {
  const result = service.getSequencingState().lastSequencingResult;
  return result && result.deliveryRequest === "deliver" && result.targetActivity ? result.targetActivity.id : null;
}

// Wall-clock (hrtime) and CPU (cpuUsage: user + system of the process, so V8's GC threads
// count) from here on, in ms per request.
function timer() {
  const wall = process.hrtime.bigint(), cpu = process.cpuUsage();
  return (count) => {
    const used = process.cpuUsage(cpu);
    return { wall: Number(process.hrtime.bigint() - wall) / 1e6 / count, cpu: (used.user + used.system) / 1e3 / count };
  };
}

function walk(tree, limit, refresh) {
  const { api, service } = engine(tree, refresh);
  const stop = timer();
  service.processNavigationRequest("start");
  let current = delivered(service);
  const order = [current];
  let requests = 1;
  while (current !== null && requests <= limit) {
    sco(api);
    service.processNavigationRequest("continue");
    current = delivered(service);
    order.push(current);
    requests += 1;
  }
  return { ...stop(requests), requests, order };
}

function choices(tree, targets, refresh) {
  const { api, service } = engine(tree, refresh);
  service.processNavigationRequest("start");
  const order = [];
  const stop = timer();
  for (const target of targets) {
    sco(api);
    service.processNavigationRequest("choice", target);
    order.push(delivered(service));
  }
  return { ...stop(targets.length), order };
}

function ids(tree) {
  return [tree.id, ...(tree.children || []).flatMap(ids)];
}

function requestValid(tree, count) {
  const { service } = engine(tree);
  service.processNavigationRequest("start");
  const refresh = service.getOverallSequencingProcess();
  const stop = timer();
  for (let i = 0; i < count; i += 1) refresh.updateNavigationValidity();
  return stop(count);
}

// What a SCO launched after start reads with GetValue (untimed).
function answers(tree) {
  const { api, service } = engine(tree);
  service.processNavigationRequest("start");
  api.Initialize("");
  const out = {
    continue: api.GetValue("adl.nav.request_valid.continue"),
    previous: api.GetValue("adl.nav.request_valid.previous"),
  };
  for (const id of ids(tree)) {
    out[`choice.{target=${id}}`] = api.GetValue(`adl.nav.request_valid.choice.{target=${id}}`);
    out[`jump.{target=${id}}`] = api.GetValue(`adl.nav.request_valid.jump.{target=${id}}`);
  }
  return out;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const results = input.trees.map(({ leaves, activityTree, choices: targets, walk_rounds: walkRounds }) => {
  const limit = leaves + 10;
  if (leaves === input.trees[0].leaves) walk(activityTree, limit, true); // warm-up (JIT) on the first tree
  const row = { leaves };
  for (const [suffix, refresh] of [["", true], ["_navigation_only", false]]) {
    const walks = [], picks = [];
    for (let i = 0; i < walkRounds; i += 1) walks.push(walk(activityTree, limit, refresh));
    for (let i = 0; i < rounds; i += 1) picks.push(choices(activityTree, targets, refresh));
    row[`order${suffix}`] = walks[0].order;
    row[`choice_order${suffix}`] = picks[0].order;
    for (const clock of ["wall", "cpu"]) {
      const unit = clock === "wall" ? "ms" : "cpu_ms";
      row[`continue${suffix}_${unit}`] = median(walks.map((w) => w[clock]));
      row[`choice${suffix}_${unit}`] = median(picks.map((p) => p[clock]));
    }
    row.requests = walks[0].requests;
  }
  const valids = [];
  for (let i = 0; i < rounds; i += 1) valids.push(requestValid(activityTree, 3));
  row.request_valid_ms = median(valids.map((v) => v.wall));
  row.request_valid_cpu_ms = median(valids.map((v) => v.cpu));
  row.request_valid = answers(activityTree);
  return row;
});
writeFileSync(process.argv[3], JSON.stringify({ engine: `scorm-again ${version}`, node: process.version, results }));
