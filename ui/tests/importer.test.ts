import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../src/lib/api';
import { importer } from '../src/lib/importer.svelte';
import type { ImportLine, ImportProgress } from '../src/lib/types';

function line(file: string, patch: Partial<ImportLine>): ImportLine {
  return { file, status: 'imported', book: null, title: null, format: 'pdf', pages: 1, sections: null, code: null, error: null, ...patch };
}

/** A shell whose import answers from `answer`, emitting progress like the real one. */
function shell(answer: (paths: string[], password?: string) => ImportLine[]) {
  let progress: ((p: ImportProgress) => void) | null = null;
  const invoke = vi.fn(async (command: string, args?: Record<string, unknown>) => {
    expect(command).toBe('import_files');
    const paths = args!.paths as string[];
    const lines = answer(paths, args!.password as string | undefined);
    lines.forEach((l, index) => {
      progress?.({ index, total: paths.length, file: l.file, status: 'started', error: null });
      progress?.({ index, total: paths.length, file: l.file, status: l.status, error: l.error });
    });
    return lines as never;
  });
  const backend: api.Backend = {
    invoke,
    listen: async (_e, handler) => {
      progress = handler as never;
      return () => (progress = null);
    },
    onDragDrop: async () => () => {},
    pickBooks: async () => null,
  };
  return { backend, invoke };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('importing files', () => {
  beforeEach(() => {
    importer.stop();
    importer.clear();
  });

  it('shows each file with its final status and the code of its error', async () => {
    const { backend } = shell((paths) => [
      line(paths[0]!, { title: 'Maths' }),
      line(paths[1]!, { status: 'already-in-library' }),
      line(paths[2]!, { status: 'error', code: 'CorruptPdf', error: 'damaged' }),
    ]);
    api.setBackend(backend);
    await importer.listen();
    const before = importer.generation;
    importer.add(['/a.pdf', '/b.epub', '/c.pdf']);
    await settle();
    expect(importer.lines.map((l) => [l.name, l.status, l.code])).toEqual([
      ['a.pdf', 'imported', null],
      ['b.epub', 'already-in-library', null],
      ['c.pdf', 'error', 'CorruptPdf'],
    ]);
    expect(importer.running).toBe(false);
    expect(importer.generation, 'the library reloads after an import').toBeGreaterThan(before);
  });

  it('asks for the password of a protected PDF, again after a wrong one, and imports it', async () => {
    const { backend, invoke } = shell((paths, password) =>
      paths.map((p) =>
        password === 'secret'
          ? line(p, { title: 'Protégé' })
          : line(p, { status: 'error', code: password ? 'WrongPassword' : 'PasswordRequired', error: 'protected' }),
      ),
    );
    api.setBackend(backend);
    await importer.listen();
    importer.add(['/protege.pdf']);
    await settle();
    expect(importer.password).toEqual({ file: '/protege.pdf', wrong: false, attempt: 0 });

    await importer.submitPassword('nope');
    expect(importer.password).toEqual({ file: '/protege.pdf', wrong: true, attempt: 1 });

    await importer.submitPassword('secret');
    expect(importer.password).toBeNull();
    expect(importer.lines[0]).toMatchObject({ status: 'imported', title: 'Protégé' });
    expect(invoke).toHaveBeenLastCalledWith('import_files', { paths: ['/protege.pdf'], password: 'secret' });
  });

  it('leaves a protected file as an error when the pupil cancels', async () => {
    const { backend } = shell((paths) => paths.map((p) => line(p, { status: 'error', code: 'PasswordRequired', error: 'protected' })));
    api.setBackend(backend);
    importer.add(['/x.pdf']);
    await settle();
    importer.cancelPassword();
    expect(importer.password).toBeNull();
    expect(importer.lines[0]).toMatchObject({ status: 'error', code: 'PasswordRequired' });
  });

  it('marks every file of a batch when the command itself fails', async () => {
    api.setBackend({ ...shell(() => []).backend, invoke: async () => Promise.reject({ code: 'DiskFull', message: 'full' }) });
    importer.add(['/a.pdf', '/b.pdf']);
    await settle();
    expect(importer.lines.map((l) => l.code)).toEqual(['DiskFull', 'DiskFull']);
  });
});
