/**
 * `tsx bench/heap-diff.ts before.heapsnapshot after.heapsnapshot [per]`: what the heap gained
 * between two V8 heap snapshots, by node type and constructor name (self sizes), largest
 * first; with `per` (e.g. the number of connections added), counts and bytes divided by it.
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

function tally(file: string): Map<string, { count: number; bytes: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = snap.snapshot.meta.node_types[0];
  const byKey = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt] ?? 0] ?? '?';
    let name = snap.strings[snap.nodes[i + nameAt] ?? 0] ?? '?';
    // Strings and code are many distinct names: group them by type.
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '';
    if (type === 'code' || type === 'number' || type === 'hidden') name = name.slice(0, 40);
    const key = `${type}:${name.slice(0, 80)}`;
    const entry = byKey.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snap.nodes[i + sizeAt] ?? 0;
    byKey.set(key, entry);
  }
  return byKey;
}

const [beforeFile, afterFile, perArg] = process.argv.slice(2);
if (!beforeFile || !afterFile) throw new Error('usage: heap-diff before after [per]');
const per = Number(perArg || 1);
const before = tally(beforeFile);
const after = tally(afterFile);
const rows = [...after].map(([key, a]) => {
  const b = before.get(key) ?? { count: 0, bytes: 0 };
  return { key, count: (a.count - b.count) / per, bytes: (a.bytes - b.bytes) / per };
});
rows.sort((x, y) => y.bytes - x.bytes);
const total = rows.reduce((sum, r) => sum + r.bytes, 0);
console.log(`total self size gained: ${total.toFixed(0)} B${per > 1 ? ` per ${1}/${per}` : ''}`);
for (const r of rows.slice(0, Number(process.env.TOP || 60))) {
  console.log(`${r.bytes.toFixed(0).padStart(8)} B ${r.count.toFixed(2).padStart(8)} × ${r.key}`);
}
