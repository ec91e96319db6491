'use strict';
/*
 * V8 code cache for the bundled CLI. Node 20 has no compile cache of its own (Node 22's
 * module.enableCompileCache), so each run would parse and compile the same few megabytes of
 * JavaScript again. The first run of a build stores V8's cached data for each bundle chunk; later
 * runs hand it back to V8, which skips that work. V8 rejects data that does not match the
 * source, the V8 version or its flags; the chunk is then compiled and cached anew.
 *
 * Cached data is executable code, so only a folder this user owns and nobody else can write is
 * used: GREENLIGHT_CACHE_DIR, else $XDG_CACHE_HOME/greenlight, else ~/.cache/greenlight. Anything
 * wrong (no such folder can be made, a foreign owner, loose permissions) means no cache, never an
 * error. GREENLIGHT_NO_CODE_CACHE=1 switches it off.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

/** The cache folder for this Node version, or null when none can be used safely. */
function cacheDir(env) {
  let base = env.GREENLIGHT_CACHE_DIR;
  if (!base) {
    const home = os.homedir();
    const xdg = env.XDG_CACHE_HOME || (home ? path.join(home, '.cache') : '');
    if (!xdg) return null;
    base = path.join(xdg, 'greenlight');
  }
  const dir = path.join(path.resolve(base), `code-${process.version}-${process.arch}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(dir);
    if (!st.isDirectory()) return null;
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return null;
    if ((st.mode & 0o022) !== 0) return null;
    return dir;
  } catch {
    return null;
  }
}

/** From now on, compiles the CommonJS files under `root` with V8's code cache; returns the folder. */
function install(root, env = process.env) {
  if (env.GREENLIGHT_NO_CODE_CACHE) return null;
  const dir = cacheDir(env);
  if (!dir) return null;
  const prefix = path.resolve(root) + path.sep;
  // Chunks that import() (listed by scripts/bundle.mjs) are left to Node: on Node 20, import()
  // cannot run in a script compiled through node:vm without an experimental loader.
  let uncached;
  try {
    uncached = new Set(
      JSON.parse(fs.readFileSync(path.join(root, 'code-cache.json'), 'utf8')).uncached.map((f) =>
        path.join(path.resolve(root), f),
      ),
    );
  } catch {
    return null; // no list: no cache rather than a chunk that cannot run
  }
  const pending = [];
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(content, filename) {
    if (!filename.startsWith(prefix) || uncached.has(filename)) return compile.call(this, content, filename);
    const key = crypto.createHash('sha256').update(filename).update('\0').update(content).digest('hex');
    const file = path.join(dir, key);
    let cachedData;
    try {
      cachedData = fs.readFileSync(file);
    } catch {
      cachedData = undefined;
    }
    const script = new vm.Script(Module.wrap(content), { filename, cachedData });
    if (!cachedData || script.cachedDataRejected) pending.push({ script, file });
    const wrapper = script.runInThisContext({ displayErrors: true });
    const require = Module.createRequire(filename);
    return wrapper.call(this.exports, this.exports, require, this, filename, path.dirname(filename));
  };
  // Written at exit, so the functions compiled while the command ran are in the cache too.
  process.once('exit', () => {
    for (const { script, file } of pending) {
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, file);
      } catch {
        try {
          fs.rmSync(tmp, { force: true });
        } catch {
          // the next run compiles this chunk again
        }
      }
    }
  });
  return dir;
}

module.exports = { install, cacheDir };
