/**
 * Builds the server to plain JavaScript for `node` (run by `pnpm build`):
 *
 * - dist/main.js: the server (src/main.ts); dist/db.js: the database CLI (migrate, backup,
 *   restore). Each is one esbuild bundle with a linked source map.
 * - dist/migrations: a copy of packages/db/migrations, which the bundled code reads.
 *
 * Why a bundle and not `tsc`: the workspace packages (@parley/db, @parley/api-contract) export
 * their TypeScript sources, which is what tests, `pnpm dev` and Vite use. Compiling them with
 * tsc would need a second set of conditional exports pointing at their own dist folders;
 * bundling inlines them instead and leaves every node_modules import as an import, so
 * `pnpm install --prod` provides them at run time. Types are checked by `pnpm typecheck`.
 *
 * Every package the bundle imports must therefore be a dependency of @parley/api (the bundle
 * resolves imports from apps/api/node_modules): the build fails when one is not.
 *
 * `--outdir DIR` builds elsewhere (tests); DIR must be inside apps/api for the same reason.
 */
import { cpSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const apiDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const root = path.resolve(apiDir, '../..');
const flag = process.argv.indexOf('--outdir');
const outdir = flag > 0 ? path.resolve(process.argv[flag + 1] ?? '') : path.join(apiDir, 'dist');
if (path.relative(apiDir, outdir).startsWith('..')) {
  throw new Error(`--outdir must be inside ${apiDir} (imports resolve from its node_modules)`);
}

const manifest = JSON.parse(readFileSync(path.join(apiDir, 'package.json'), 'utf8'));
const dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
const builtins = new Set(builtinModules);

/** Workspace packages are inlined; anything else that is not a relative path stays external. */
const externals = {
  name: 'parley-externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@parley/') ? undefined : { path: args.path, external: true },
    );
  },
};

const packageName = (specifier) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];

// Built beside the target and swapped in at the end, so a server starting meanwhile never
// loads half a build.
const target = outdir;
const staging = `${target}.tmp-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
const started = Date.now();
const result = await build({
  entryPoints: {
    main: path.join(apiDir, 'src/main.ts'),
    db: path.join(root, 'packages/db/src/cli.ts'),
  },
  outdir: staging,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
  plugins: [externals],
  define: { PARLEY_BUNDLED_MIGRATIONS: JSON.stringify('./migrations/') },
});
cpSync(path.join(root, 'packages/db/migrations'), path.join(staging, 'migrations'), {
  recursive: true,
});

const missing = new Set();
for (const input of Object.values(result.metafile.inputs)) {
  for (const { path: specifier, external } of input.imports) {
    if (!external) continue;
    const name = packageName(specifier.replace(/^node:/, ''));
    if (!specifier.startsWith('node:') && !builtins.has(name) && !dependencies.has(name)) {
      missing.add(name);
    }
  }
}
if (missing.size > 0) {
  rmSync(staging, { recursive: true, force: true });
  throw new Error(
    `The server imports ${[...missing].join(', ')}, which apps/api/package.json does not list ` +
      'in dependencies: `pnpm install --prod` would not install them. Add them there.',
  );
}
const old = `${target}.old-${process.pid}`;
try {
  renameSync(target, old);
} catch {}
renameSync(staging, target);
rmSync(old, { recursive: true, force: true });
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(
  `built ${path.relative(process.cwd(), target) || '.'} (${(bytes / 1e6).toFixed(2)} MB with source maps) in ${Date.now() - started} ms`,
);
