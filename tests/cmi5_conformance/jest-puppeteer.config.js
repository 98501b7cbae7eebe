// Puppeteer for the CATAPULT suite: Debian's Chromium, never a downloaded browser.
module.exports = {
    launch: {
        executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
        headless: true,
        args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync", "--disable-quic"]
    }
};
