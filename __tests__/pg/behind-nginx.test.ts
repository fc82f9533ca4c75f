/** @jest-environment node */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  getPage,
  hiddenFields,
  newBrowser,
  postForm,
  SESSION_COOKIE,
  type Answer,
  type Browser,
} from "../helpers/forms";
import { freePort, root, type AppServer } from "../helpers/next-server";
import { startAppOnPostgres } from "../helpers/pg-app";
import { createEnrolledUser, currentCode } from "../helpers/users";

// Runs only under `npm run test:pg`: Debian's nginx, started by the test as a
// process of its own, in front of two `next start` instances on one
// PostgreSQL database, round-robin, no sticky sessions, on a port other than
// 80, with README.md's nginx block (so the README shows what ran here).
const NGINX = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((file) => fs.existsSync(file));
const describeWithNginx = NGINX ? describe : describe.skip;
const title = NGINX
  ? "behind nginx with `proxy_set_header Host $host` on a non-default port"
  : "behind nginx (skipped: nginx is not installed; .ci/run installs Debian's nginx-light)";

// README.md's nginx block, with the test's ports, inside a main context
// that keeps every file nginx writes in `prefix`, and an answer header
// naming the instance that served each request.
function nginxConfig(prefix: string, port: number, upstreams: number[]): string {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const block = /```nginx\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("README.md has no nginx block");
  const ported = block
    .replace("server 127.0.0.1:3000;", `server 127.0.0.1:${upstreams[0]};`)
    .replace("server 127.0.0.1:3001;", `server 127.0.0.1:${upstreams[1]};`)
    .replace(/listen \d+;/, `listen 127.0.0.1:${port};`)
    .replace("location / {", "location / {\n        add_header X-Upstream $upstream_addr always;");
  if (ported === block || !ported.includes(String(upstreams[1])) || !ported.includes(String(port))) {
    throw new Error("README.md's nginx block no longer has the ports this test replaces");
  }
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    .map((kind) => `    ${kind}_temp_path ${path.join(prefix, kind)};`)
    .join("\n");
  return `worker_processes 1;
pid ${path.join(prefix, "nginx.pid")};
events { worker_connections 256; }
http {
    access_log off;
${temp}
${ported}
}
`;
}

let instances: AppServer[] = [];
let nginx: ChildProcess | undefined;
let nginxOutput = "";
let prefix = "";
let origin = "";

async function startNginx(port: number): Promise<void> {
  prefix = fs.mkdtempSync(path.join(os.tmpdir(), "nginx-test-"));
  const config = path.join(prefix, "nginx.conf");
  fs.writeFileSync(
    config,
    nginxConfig(
      prefix,
      port,
      instances.map((instance) => instance.port),
    ),
  );
  nginx = spawn(NGINX as string, ["-p", prefix, "-c", config, "-e", "stderr", "-g", "daemon off;"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  nginx.stdout?.on("data", (chunk: Buffer) => (nginxOutput += chunk.toString("utf8")));
  nginx.stderr?.on("data", (chunk: Buffer) => (nginxOutput += chunk.toString("utf8")));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (nginx.exitCode !== null) throw new Error(`nginx exited with ${nginx.exitCode}:\n${nginxOutput}`);
    try {
      await fetch(`${origin}/login`);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`nginx did not answer:\n${nginxOutput}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

beforeAll(async () => {
  if (!NGINX) return;
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  instances = await Promise.all([
    startAppOnPostgres(process.env.DATABASE_URL, { appUrl: origin }),
    startAppOnPostgres(process.env.DATABASE_URL, { appUrl: origin }),
  ]);
  await startNginx(port);
}, 600_000);

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx?.once("exit", resolve));
    nginx.kill("SIGQUIT");
    await exited;
  }
  await Promise.all(instances.map((instance) => instance.stop()));
  if (prefix) fs.rmSync(prefix, { recursive: true, force: true });
}, 60_000);

describeWithNginx(title, () => {
  const served: string[] = [];
  const track = (answer: Answer): Answer => {
    served.push(answer.headers.get("x-upstream") ?? "none");
    return answer;
  };
  const get = async (browser: Browser, target: string) => track(await getPage(browser, target));
  const post = async (browser: Browser, target: string, marker: string, values: Record<string, string>) => {
    const page = await get(browser, target);
    expect(page.status).toBe(200);
    return track(await postForm(browser, target, hiddenFields(page.html, marker), values));
  };

  it("signs in with password and code through nginx, each request on the other instance", async () => {
    const user = await createEnrolledUser();
    const browser = newBrowser(origin, "203.0.113.77");
    const signedOut = await get(browser, "/dashboard");
    expect(signedOut.status).toBe(307);
    expect(signedOut.location).toMatch(/^\/login\?callbackUrl=%2Fdashboard$/);

    const login = await post(browser, "/login", 'name="identifier"', {
      identifier: user.username,
      password: user.password,
    });
    expect(login.status).toBe(303);
    expect(login.location).toMatch(/^\/login\/verify\b/);
    const verify = await post(browser, login.location as string, 'name="code"', {
      code: await currentCode(user.secret),
    });
    expect(verify.status).toBe(303);
    expect(verify.location).toMatch(/^\/dashboard\b/);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(true);
    const dashboard = await get(browser, "/dashboard");
    expect(dashboard.status).toBe(200);
    expect(dashboard.html).toContain(user.username);
    const signOut = await post(browser, "/dashboard", ">Sign out<", {});
    expect(signOut.status).toBe(303);
    expect(signOut.location).toMatch(/^\/(?![/\\])/);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);

    const ports = instances.map((instance) => `127.0.0.1:${instance.port}`);
    expect(served.every((upstream) => ports.includes(upstream))).toBe(true);
    for (let index = 1; index < served.length; index++) expect(served[index]).not.toBe(served[index - 1]);
    for (const instance of instances) expect(instance.output()).not.toContain("Aborting the action");
  }, 60_000);

  it("refuses a cross-site form post through nginx with a 403", async () => {
    const answer = await fetch(`${origin}/login`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "multipart/form-data; boundary=x" },
      body: "--x--\r\n",
      redirect: "manual",
    });
    expect(answer.status).toBe(403);
  }, 60_000);
});
