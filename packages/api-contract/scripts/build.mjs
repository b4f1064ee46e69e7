/**
 * Builds the package for consumers outside the workspace (run by `pnpm build` and on pack):
 *
 * - dist/*.js: each source file transpiled by esbuild, not bundled (imports stay as they are;
 *   type-only imports, such as the server's router type, are erased).
 * - dist/*.d.ts: tsc's declarations, bundled by rollup-plugin-dts so that the `AppRouter` type,
 *   which tsc writes in terms of the server's files, is inlined. The server's request context
 *   is replaced by an opaque interface: clients never see it, and it would drag in the
 *   database, logger and socket types. The result may import only @trpc/* and zod.
 * - No import of `@trpc/server/unstable-core-do-not-import` (tRPC's internals, which may change
 *   in any release): the one type the router's declaration takes from there, the `{ id, data }`
 *   of a tracked subscription event, is declared locally (structurally the same type).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist');
const typesDir = path.join(root, '.tmp', 'types');
const emitted = path.join(typesDir, 'packages', 'api-contract', 'src');
const entries = ['index', 'client', 'schemas', 'limits'];
const allowedImports = /^(@trpc\/client|@trpc\/server)(\/[\w-]+)*$|^zod(\/[\w-]+)*$/;

rmSync(dist, { recursive: true, force: true });
rmSync(typesDir, { recursive: true, force: true });

// 1. JavaScript.
// types.ts holds types only.
const sources = (await readdir(path.join(root, 'src'))).filter(
  (f) => f.endsWith('.ts') && f !== 'types.ts',
);
await build({
  entryPoints: sources.map((f) => path.join(root, 'src', f)),
  outdir: dist,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  bundle: false,
  logLevel: 'warning',
});

// 2. Declarations of the sources and of every server file the router type reaches.
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
const context = path.join(typesDir, 'apps', 'api', 'src', 'context.d.ts');
if (!existsSync(context)) throw new Error(`expected ${context} from tsc`);
writeFileSync(
  context,
  "/** The server's per-request context: opaque to clients. */\nexport interface Context {\n}\n",
);

// 3. Bundled declarations.
const selfImport = /^@parley\/api-contract(?:\/(schemas|limits))?$/;
const bundle = await rollup({
  input: Object.fromEntries(entries.map((e) => [e, path.join(emitted, `${e}.d.ts`)])),
  plugins: [
    {
      name: 'parley-self-imports',
      // The server's files import this package by name; point those at our own declarations.
      resolveId(source) {
        const match = selfImport.exec(source);
        return match ? path.join(emitted, `${match[1] ?? 'index'}.d.ts`) : null;
      },
    },
    dts({ tsconfig: path.join(root, 'tsconfig.build.json') }),
  ],
  onwarn(warning, warn) {
    // Server files import @parley/db for declarations the router type never reaches; any
    // import that does reach the output is caught by the check below.
    if (warning.code === 'UNRESOLVED_IMPORT' && warning.exporter === '@parley/db') return;
    warn(warning);
  },
});
const { output } = await bundle.write({
  dir: dist,
  format: 'es',
  entryFileNames: '[name].d.ts',
  chunkFileNames: 'shared-[hash].d.ts',
});
await bundle.close();

// 4. Off tRPC's internals: what tsc named from them is declared here instead.
const internals = '@trpc/server/unstable-core-do-not-import';
const localTypes = {
  TrackedData:
    "/** A tracked subscription event, as the client receives it (tRPC's own shape). */\n" +
    'interface TrackedData<TData> {\n    id: string;\n    data: TData;\n}\n',
};
for (const chunk of output) {
  if (chunk.type !== 'chunk') continue;
  const file = path.join(dist, chunk.fileName);
  let text = readFileSync(file, 'utf8');
  text = text.replaceAll(`import '${internals}';\n`, '');
  const namespace = new RegExp(`^import \\* as (\\w+) from '${internals}';\\n`, 'm').exec(text);
  if (namespace) {
    text = text.replace(namespace[0], '');
    const used = new Set(
      [...text.matchAll(new RegExp(`\\b${namespace[1]}\\.(\\w+)`, 'g'))].map((m) => m[1]),
    );
    for (const name of used) {
      if (!localTypes[name] || new RegExp(`\\b(interface|type) ${name}\\b`).test(text)) {
        throw new Error(`${chunk.fileName} needs ${name} from ${internals}: declare it here`);
      }
      text = text.replaceAll(`${namespace[1]}.${name}`, name);
      text = text.replace(/^export \{/m, `${localTypes[name]}\nexport {`);
    }
  }
  if (text.includes(internals)) throw new Error(`${chunk.fileName} still imports ${internals}`);
  writeFileSync(file, text);
}

const ownFiles = new Set(output.map((o) => o.fileName));
for (const chunk of output) {
  if (chunk.type !== 'chunk') continue;
  const foreign = chunk.imports.filter((i) => !ownFiles.has(i) && !allowedImports.test(i));
  const text = readFileSync(path.join(dist, chunk.fileName), 'utf8');
  const specifiers = [...text.matchAll(/import\(["']([^"']+)["']\)/g)].map((m) => m[1]);
  const strays = [
    ...foreign,
    ...specifiers.filter((i) => !i.startsWith('./') && !allowedImports.test(i)),
  ];
  if (strays.length > 0) {
    throw new Error(`${chunk.fileName} imports ${strays.join(', ')}: only @trpc/* and zod allowed`);
  }
}
rmSync(typesDir, { recursive: true, force: true });
console.log(`built ${path.relative(process.cwd(), dist)}`);
