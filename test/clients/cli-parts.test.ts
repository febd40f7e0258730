/**
 * The parts of `gradcam-edge explain` that need no service: argument parsing, the glob matcher, input
 * expansion, the bounded pool and the contact sheet's escaping.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contactSheet } from '../../cli/contact-sheet.js';
import { parseExplainArgs } from '../../cli/explain-args.js';
import { expandInputs } from '../../cli/explain-inputs.js';
import { forEachBounded } from '../../cli/explain.js';
import { expandGlob, globBase, globToRegExp } from '../../cli/glob.js';
import { Progress } from '../../cli/progress.js';

describe('explain arguments', () => {
  it('separates service options from the CLI’s own and takes the URL and key from the environment', () => {
    const a = parseExplainArgs(
      ['a.png', 'dir', '--class', 'cat', '--method', 'gradcam++', '-o', 'out', '-j', '3', '--set', 'n=8', '--alpha', '0.3'],
      {
        GRADCAM_EDGE_URL: 'https://x.example',
        GRADCAM_EDGE_API_KEY: 'k',
      },
    );
    expect(a).toEqual({
      inputs: ['a.png', 'dir'],
      url: 'https://x.example',
      apiKey: 'k',
      outDir: 'out',
      concurrency: 3,
      timeoutMs: 60_000,
      json: false,
      options: { class: 'cat', method: 'gradcam++', n: '8', alpha: '0.3' },
    });
    expect(parseExplainArgs(['a.png', '--url', 'http://h:1'], {}).url).toBe('http://h:1');
    expect(parseExplainArgs(['a.png'], {}).url).toBe('http://127.0.0.1:8787');
  });
  it('refuses malformed arguments with bad_option', () => {
    for (const args of [
      [],
      ['a.png', '-j', '0'],
      ['a.png', '--set', 'novalue'],
      ['a.png', '--output', 'json'],
      ['a.png', '--frobnicate'],
    ]) {
      expect(() => parseExplainArgs(args, {}), args.join(' ')).toThrow();
    }
    expect(() => parseExplainArgs(['a.png', '-j', 'x'], {})).toThrow(/--concurrency expects a positive integer/);
  });
});

describe('glob', () => {
  it('matches *, ?, ** and {a,b} over / separated paths', () => {
    const re = globToRegExp('photos/**/*.{jpg,png}');
    expect(
      ['photos/a.jpg', 'photos/2024/06/b.png'].filter((p) => !re.test(p)),
      'paths not matched',
    ).toEqual([]);
    expect(
      ['photos/a.gif', 'other/a.jpg', 'photos/a.jpg.bak'].filter((p) => re.test(p)),
      'paths matched',
    ).toEqual([]);
    expect('s-1.png').toMatch(globToRegExp('s-?.png'));
    expect('dir/a.png').not.toMatch(globToRegExp('*.png'));
    expect('a+b(1).png').toMatch(globToRegExp('a+b(1).png'));
    expect([globBase('photos/**/*.jpg'), globBase('*.png'), globBase('/tmp/x/*.png')]).toEqual(['photos', '.', '/tmp/x']);
  });
  it('expands against the file system, recursively only with **', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glob-'));
    mkdirSync(join(dir, 'sub', '.hidden'), { recursive: true });
    for (const f of ['a.png', 'b.jpg', 'sub/c.png', 'sub/.hidden/d.png']) writeFileSync(join(dir, f), '');
    expect(await expandGlob(`${dir}/*.png`)).toEqual([join(dir, 'a.png')]);
    expect(await expandGlob(`${dir}/**/*.png`)).toEqual([join(dir, 'a.png'), join(dir, 'sub/c.png')]);
    const inputs = await expandInputs([dir, join(dir, 'a.png'), `${dir}/sub/*.png`]);
    expect(inputs.map((i) => [i.path.slice(dir.length + 1), i.stem])).toEqual([
      ['a.png', 'a'],
      ['b.jpg', 'b'],
      ['sub/c.png', 'c'],
    ]);
    await expect(expandInputs([`${dir}/*.gif`])).rejects.toThrow(/matches no file/);
    await expect(expandInputs([join(dir, 'missing.png')])).rejects.toThrow(/No such file/);
  });
  it('gives images of the same name from different folders distinct stems', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glob-'));
    mkdirSync(join(dir, 'x'));
    writeFileSync(join(dir, 'cat.png'), '');
    writeFileSync(join(dir, 'x', 'cat.jpg'), '');
    expect((await expandInputs([dir])).map((i) => i.stem)).toEqual(['cat', 'cat-2']);
  });
});

describe('bounded pool', () => {
  it('never runs more than the limit at once, runs everything, and stops starting when asked', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachBounded([...Array(10).keys()], 3, async (i) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 5 + (i % 3) * 5));
      running--;
      done.push(i);
    });
    expect([peak, done.length]).toEqual([3, 10]);
    const started: number[] = [];
    await forEachBounded(
      [...Array(10).keys()],
      2,
      async (i) => void started.push(i),
      () => started.length >= 4,
    );
    expect(started).toHaveLength(4);
  });
});

describe('contact sheet', () => {
  it('escapes file names, labels and error details, and links only relative files', () => {
    const html = contactSheet(
      [
        {
          source: 'x/<i>.png',
          original: 'originals/my #1.png',
          explanation: '<i>.gradcam.png',
          classIndex: 1,
          label: 'a "q"',
          score: 0.5,
          method: 'gradcam',
          cache: 'miss',
          url: 'http://s/v1/explanations/I.png',
        },
        { source: 'y.png', original: 'originals/y.png', error: { code: 'corrupt_image', detail: '<script>' } },
      ],
      'http://s',
    );
    expect(html).not.toContain('<i>');
    expect(html).toContain('src="originals/my%20%231.png"');
    expect(html).toContain('src="%3Ci%3E.gradcam.png"');
    expect(html).not.toContain('<script>');
    expect(html).toContain('a &#34;q&#34;');
    expect(html).toContain('50.0%');
    expect(html).toContain('2 images, 1 failed');
  });
});

describe('progress bar', () => {
  const sink = (isTTY: boolean) => {
    const stream = {
      isTTY,
      columns: 60,
      text: '',
      write(s: string) {
        this.text += s;
        return true;
      },
    };
    return stream as typeof stream & NodeJS.WriteStream;
  };
  it('draws on a terminal, above it the result lines, and clears at the end', () => {
    const [err, out] = [sink(true), sink(false)];
    const p = new Progress(4, err, out);
    p.tick('a ok');
    p.tick('b failed', true);
    p.end();
    expect(out.text).toBe('a ok\nb failed\n');
    expect(err.text).toContain('] 0/4');
    expect(err.text).toContain('] 2/4, 1 failed');
    expect(err.text.slice(-5), 'ends by clearing the line').toBe('\r\x1b[2K');
  });
  it('stays silent when stderr is not a terminal or there is one image', () => {
    for (const [tty, total] of [
      [false, 4],
      [true, 1],
    ] as const) {
      const err = sink(tty);
      const p = new Progress(total, err, sink(false));
      p.tick('x');
      p.end();
      expect(err.text).toBe('');
    }
  });
});
