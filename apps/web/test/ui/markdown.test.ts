import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown, plainPreview, safeHref } from '../../src/ui/markdown';

const html = (text: string) => renderToStaticMarkup(createElement(Markdown, { text }));

describe('light markdown', () => {
  it('renders bold, italic, inline code and code blocks as elements', () => {
    expect(html('**bold** and *it* and _it2_ and `x < y`')).toBe(
      '<strong>bold</strong> and <em>it</em> and <em>it2</em> and <code>x &lt; y</code>',
    );
    expect(html('before\n```ts\nconst a = **1**;\n```\nafter')).toBe(
      'before\n<pre class="md-pre"><code>const a = **1**;</code></pre>\nafter',
    );
  });

  it('never lets HTML through', () => {
    const out = html('<img src=x onerror=alert(1)> <script>alert(1)</script>');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<script');
    expect(out).toContain('&lt;script&gt;');
  });

  it('links only http, https and mailto', () => {
    expect(html('see https://example.com/a?b=1.')).toBe(
      'see <a href="https://example.com/a?b=1" target="_blank" rel="noopener noreferrer nofollow">https://example.com/a?b=1</a>.',
    );
    expect(html('[docs](https://parley.dev/docs)')).toContain('href="https://parley.dev/docs"');
    expect(html('[mail](mailto:ana@example.com)')).toContain('href="mailto:ana@example.com"');
    for (const bad of [
      '[x](javascript:alert(1))',
      '[x](JaVaScRiPt:alert(1))',
      '[x](data:text/html,hi)',
      '[x](vbscript:msgbox)',
    ]) {
      expect(html(bad)).not.toContain('<a');
    }
    expect(safeHref('java\tscript:alert(1)')).toBeNull();
    expect(safeHref('/relative')).toBeNull();
  });

  it('leaves snake_case and lone asterisks alone', () => {
    expect(html('snake_case_name and 2 * 3 * 4')).toBe('snake_case_name and 2 * 3 * 4');
  });

  it('makes plain previews', () => {
    expect(plainPreview('**hi** `there`\n```\ncode\n```', 40)).toBe('hi there [code]');
  });
});
