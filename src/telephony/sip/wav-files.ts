import { open } from 'node:fs/promises';

// The only audio baresip's aufile source plays: anything else it refuses
// silently (the command still answers ok), so it is checked here first.
export const PROMPT_FORMAT = { sampleRate: 8000, channels: 1, bitsPerSample: 16 } as const;
const BYTES_PER_MS = (PROMPT_FORMAT.sampleRate * PROMPT_FORMAT.bitsPerSample) / 8 / 1000;

export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  format: number; // 1: PCM
  dataOffset: number;
  dataBytes: number;
}

export class WavError extends Error {}

// Reads a RIFF/WAVE header: the fmt chunk and where the samples are.
export function parseWavHeader(bytes: Buffer, fileSize: number): WavInfo {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') throw new WavError('not a WAV file (no RIFF/WAVE header)');
  let offset = 12;
  let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes'> | undefined;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('latin1', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      if (offset + 8 + 16 > bytes.length) break;
      fmt = {
        format: bytes.readUInt16LE(offset + 8),
        channels: bytes.readUInt16LE(offset + 10),
        sampleRate: bytes.readUInt32LE(offset + 12),
        bitsPerSample: bytes.readUInt16LE(offset + 22),
      };
    } else if (id === 'data') {
      if (!fmt) throw new WavError('malformed WAV file (data before fmt)');
      const dataOffset = offset + 8;
      return { ...fmt, dataOffset, dataBytes: Math.min(size, fileSize - dataOffset) };
    }
    offset += 8 + size + (size % 2);
  }
  throw new WavError('malformed WAV file (no fmt or data chunk in its first 64 KiB)');
}

// A prompt as the user agent will play it: 8 kHz mono 16-bit PCM, or why not.
export async function readPrompt(path: string): Promise<{ info: WavInfo; durationMs: number }> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new WavError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, 65_536));
    await handle.read(head, 0, head.length, 0);
    const info = parseWavHeader(head, size);
    const { sampleRate, channels, bitsPerSample } = PROMPT_FORMAT;
    if (info.format !== 1 || info.sampleRate !== sampleRate || info.channels !== channels || info.bitsPerSample !== bitsPerSample) {
      throw new WavError(
        `${path} is ${info.sampleRate} Hz, ${info.channels} channel(s), ${info.bitsPerSample}-bit${info.format === 1 ? '' : ` (format ${info.format})`}; the SIP user agent plays 8000 Hz mono 16-bit PCM WAV only (convert it, e.g. \`sox in.wav -r 8000 -c 1 -b 16 out.wav\`)`,
      );
    }
    return { info, durationMs: Math.round(info.dataBytes / BYTES_PER_MS) };
  } finally {
    await handle.close();
  }
}

// A 44-byte header and `ms` of PCM silence (or the given samples followed by it).
export function wavFile(samples: Buffer, silenceMs: number): Buffer {
  const silence = Buffer.alloc(Math.round(silenceMs * BYTES_PER_MS) & ~1);
  const dataBytes = samples.length + silence.length;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(PROMPT_FORMAT.channels, 22);
  header.writeUInt32LE(PROMPT_FORMAT.sampleRate, 24);
  header.writeUInt32LE(PROMPT_FORMAT.sampleRate * PROMPT_FORMAT.channels * 2, 28);
  header.writeUInt16LE(PROMPT_FORMAT.channels * 2, 32);
  header.writeUInt16LE(PROMPT_FORMAT.bitsPerSample, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataBytes, 40);
  return Buffer.concat([header, samples, silence]);
}

// The prompt's samples followed by silence: baresip hangs a call up when the
// file it plays runs out, so the file outlasts the prompt and the adapter
// switches back to its silence source when the prompt's own duration is over.
export async function paddedPrompt(path: string, info: WavInfo, padMs: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const samples = Buffer.alloc(info.dataBytes & ~1);
    await handle.read(samples, 0, samples.length, info.dataOffset);
    return wavFile(samples, padMs);
  } finally {
    await handle.close();
  }
}
