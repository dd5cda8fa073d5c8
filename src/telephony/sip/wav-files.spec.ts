import { parseWavHeader, wavFile, WavError } from './wav-files';

describe('WAV files', () => {
  it('writes 8 kHz mono 16-bit PCM that reads back with its length', () => {
    const file = wavFile(Buffer.alloc(1600), 1000); // 100 ms of samples, 1 s of silence
    const info = parseWavHeader(file, file.length);
    expect(info).toMatchObject({ format: 1, sampleRate: 8000, channels: 1, bitsPerSample: 16, dataOffset: 44, dataBytes: 1600 + 16000 });
  });

  it('finds the data chunk after other chunks', () => {
    const plain = wavFile(Buffer.alloc(8), 0);
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([4, 0, 0, 0]), Buffer.from('INFO')]);
    const file = Buffer.concat([plain.subarray(0, 36), list, plain.subarray(36)]);
    expect(parseWavHeader(file, file.length)).toMatchObject({ dataOffset: 56, dataBytes: 8 });
  });

  it('refuses what is not a WAV file', () => {
    expect(() => parseWavHeader(Buffer.from('ID3 mp3 data here'), 17)).toThrow(WavError);
    expect(() => parseWavHeader(Buffer.from('ID3 mp3 data here'), 17)).toThrow('not a WAV file');
  });
});
