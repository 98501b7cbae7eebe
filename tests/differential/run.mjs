// Replays generated SCORM call sequences through scorm-again (the differential oracle).
// Input (file argv[2]): {"standard": "scorm12" | "scorm2004", "sequences": [[[method, ...args], ...], ...]}
// Output (file argv[3]): for each sequence, for each call, [returned value, GetLastError()].
import { readFileSync, writeFileSync } from "node:fs";
import { Scorm12API } from "scorm-again/scorm12";
import { Scorm2004API } from "scorm-again/scorm2004";

const { standard, sequences } = JSON.parse(readFileSync(process.argv[2], "utf8"));
const settings = { autocommit: false, logLevel: 5 };
const results = sequences.map((calls) => {
  const api = standard === "scorm12" ? new Scorm12API(settings) : new Scorm2004API(settings);
  const lastError = standard === "scorm12" ? "LMSGetLastError" : "GetLastError";
  return calls.map(([method, ...args]) => {
    let returned;
    try {
      returned = String(api[method](...args));
    } catch (error) {
      returned = `!exception ${error && error.message}`;
    }
    return [returned, String(api[lastError]())];
  });
});
writeFileSync(process.argv[3], JSON.stringify(results));
