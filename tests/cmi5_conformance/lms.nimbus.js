/*
 * Nimbus's LMS adapter for ADL's CATAPULT LMS Test Suite (lts/), modelled on the suite's
 * lib/lms.template.js interface. It drives a running Nimbus only through its public API v2 and
 * the documented cmi5 extension (docs/cmi5.md):
 *
 *   importCourse   POST /api/v2/courses/importJobs/upload, then GET .../importJobs/{id}
 *   getLaunchUrl   POST /api/v2/registrations (xapiRegistrationId = the suite's registration),
 *                  then POST /api/v2/registrations/{id}/cmi5/launch {auIndex, actor, launchMode}
 *   waiveAU        POST /api/v2/registrations/{id}/cmi5/waive {auIndex, reason}
 *   abandonSession POST /api/v2/registrations/{id}/cmi5/sessions/{sessionId}/abandon
 *   cleanup        DELETE /api/v2/courses/{id} (its registrations go with it)
 *
 * Configuration (environment): NIMBUS_BASE_URL, NIMBUS_APP_ID, NIMBUS_SECRET_KEY (API v2),
 * NIMBUS_LRS_KEY, NIMBUS_LRS_SECRET (a root credential of the app's LRS, to read statements),
 * CATAPULT_LTS_DIR (the suite's lts/ folder, for its InvalidPackageError).
 */
"use strict";

const crypto = require("crypto"),
    path = require("path"),
    // the suite's own request library (jest's sandbox has no global fetch) and error type
    Wreck = require(path.join(process.env.CATAPULT_LTS_DIR, "node_modules", "@hapi", "wreck")),
    {InvalidPackageError} = require(path.join(process.env.CATAPULT_LTS_DIR, "lib", "errors"));

const base = (process.env.NIMBUS_BASE_URL || "").replace(/\/$/, ""),
    api = `${base}/api/v2`,
    appAuth = "Basic " + Buffer.from(`${process.env.NIMBUS_APP_ID}:${process.env.NIMBUS_SECRET_KEY}`).toString("base64"),
    lrsAuth = "Basic " + Buffer.from(`${process.env.NIMBUS_LRS_KEY}:${process.env.NIMBUS_LRS_SECRET}`).toString("base64"),
    imported = [],
    registrations = new Map(), // the suite's registration UUID -> Nimbus registration id
    sessions = new Map(); // cmi5 session id -> Nimbus registration id
let counter = 0;

async function call (method, url, body, headers = {}) {
    const json = body && ! (body instanceof Buffer),
        response = await Wreck.request(method, url, {
            headers: {Authorization: appAuth, ...(json ? {"Content-Type": "application/json"} : {}), ...headers},
            payload: json ? JSON.stringify(body) : body
        }),
        text = (await Wreck.read(response)).toString();

    if (response.statusCode >= 400) {
        throw new Error(`${method} ${url}: ${response.statusCode} ${text}`);
    }
    return text ? JSON.parse(text) : null;
}

async function readStream (stream) {
    const chunks = [];
    for await (const chunk of stream) {
        chunks.push(chunk);
    }
    return Buffer.concat(chunks);
}

module.exports = {
    setup: async () => {
        await call("GET", `${api}/ping`);
    },
    teardown: async () => {},
    getLrsEndpoint: () => `${base}/lrs/${process.env.NIMBUS_APP_ID}`,
    getLrsAuthHeader: () => lrsAuth,

    importCourse: async (stream, contentType, filename) => {
        counter += 1;
        const courseId = `lts-${Date.now()}-${counter}`,
            data = await readStream(stream),
            boundary = `nimbus${crypto.randomBytes(8).toString("hex")}`,
            body = Buffer.concat([
                Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
                    `Content-Type: ${contentType}\r\n\r\n`),
                data,
                Buffer.from(`\r\n--${boundary}--\r\n`)
            ]),
            started = await call("POST", `${api}/courses/importJobs/upload?courseId=${courseId}&mayCreateNewVersion=false`,
                body, {"Content-Type": `multipart/form-data; boundary=${boundary}`}).catch((ex) => {
                // a package refused at upload (400 naming the problem) is an invalid package too
                throw / 4\d\d /.test(ex.message) ? new InvalidPackageError(ex.message) : ex;
            });

        for (let tries = 0; tries < 600; tries += 1) {
            // eslint-disable-next-line no-await-in-loop
            const job = await call("GET", `${api}/courses/importJobs/${started.result}`);
            if (job.status === "COMPLETE") {
                imported.push(courseId);
                return courseId;
            }
            if (job.status === "ERROR") {
                throw new InvalidPackageError(job.message || "import failed");
            }
            // eslint-disable-next-line no-await-in-loop
            await new Promise((resolve) => setTimeout(resolve, 200));
        }
        throw new Error(`import of ${filename} did not finish`);
    },

    getLaunchUrl: async (courseId, auIndex, actor, {registration, launchMode} = {}) => {
        const uuid = registration || crypto.randomUUID(),
            key = `${courseId}|${uuid}`;
        let registrationId = registrations.get(key);

        if (! registrationId) {
            registrationId = `lts-${crypto.randomUUID()}`;
            await call("POST", `${api}/registrations`, {
                courseId,
                registrationId,
                xapiRegistrationId: uuid,
                learner: {id: (actor.account && actor.account.name) || "lts-learner"}
            });
            registrations.set(key, registrationId);
            registrations.set(uuid, registrationId);
        }
        const launched = await call("POST", `${api}/registrations/${registrationId}/cmi5/launch`,
            {auIndex, actor, ...(launchMode ? {launchMode} : {})});

        sessions.set(launched.sessionId, registrationId);
        return launched.launchUrl;
    },

    cleanup: async () => {
        while (imported.length) {
            const courseId = imported.pop();
            // eslint-disable-next-line no-await-in-loop
            await call("DELETE", `${api}/courses/${courseId}`, {});
        }
    },

    hasWaive: () => true,
    waiveAU: async (registration, auIndex, reason) => {
        const registrationId = registrations.get(registration);
        if (! registrationId) {
            throw new Error(`unknown registration ${registration}`);
        }
        await call("POST", `${api}/registrations/${registrationId}/cmi5/waive`, {auIndex, reason});
    },

    hasAbandon: () => true,
    abandonSession: async (sessionId) => {
        const registrationId = sessions.get(sessionId);
        if (! registrationId) {
            throw new Error(`unknown session ${sessionId}`);
        }
        await call("POST", `${api}/registrations/${registrationId}/cmi5/sessions/${sessionId}/abandon`, {});
    }
};
