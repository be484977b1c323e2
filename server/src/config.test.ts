import { ConfigError, parseConfig } from './config';

describe('the boot report channel', () => {
  it('is HTTP when workstations can reach the service, and S3 report objects otherwise', () => {
    expect(parseConfig({ PRISM_REPORT_URL: 'https://hub.example.edu/services/prism' }).reportChannel).toBe('http');
    expect(parseConfig({ PRISM_EMULATED_BOOT: '1' }).reportChannel).toBe('http');
    expect(parseConfig({}).reportChannel).toBe('s3');
  });

  it('is S3 when asked, even with a phone-home URL or an emulated boot', () => {
    const config = parseConfig({ PRISM_REPORT_CHANNEL: 's3', PRISM_EMULATED_BOOT: '1', PRISM_REPORT_URL: 'https://hub.example.edu/' });
    expect(config.reportChannel).toBe('s3');
  });

  it('refuses HTTP with nowhere to phone home, naming the variable to set', () => {
    expect(() => parseConfig({ PRISM_REPORT_CHANNEL: 'http' })).toThrow(ConfigError);
    expect(() => parseConfig({ PRISM_REPORT_CHANNEL: 'http' })).toThrow(/PRISM_REPORT_CHANNEL.*PRISM_REPORT_URL/);
  });

  it('refuses a channel it does not know, naming the variable', () => {
    expect(() => parseConfig({ PRISM_REPORT_CHANNEL: 'email' })).toThrow(/PRISM_REPORT_CHANNEL/);
  });
});
