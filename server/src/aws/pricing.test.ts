import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { GP3_PRODUCTS_PAGE, INSTANCE_PRODUCTS_PAGE } from './fixtures/get-products';
import { createPriceSource, createPricingClient, instanceFilters, instancePrices, PRICING_API_REGION, storagePrices } from './pricing';

describe('reading the Pricing API', () => {
  it('reads each instance type’s on-demand USD per hour from a GetProducts PriceList', () => {
    expect(instancePrices(INSTANCE_PRODUCTS_PAGE.PriceList)).toEqual({ 'm7g.large': 0.0912, 'c7i.xlarge': 0.1995 });
  });

  it('reads gp3 storage per GB-month', () => {
    expect(storagePrices(GP3_PRODUCTS_PAGE.PriceList)).toEqual({ gp3: 0.088 });
  });

  it('accepts entries the SDK already parsed, and skips ones it cannot read', () => {
    const parsed = JSON.parse(INSTANCE_PRODUCTS_PAGE.PriceList[0]) as unknown;
    expect(instancePrices([parsed, 'not json', null, 42])).toEqual({ 'm7g.large': 0.0912 });
  });

  it('asks for Linux, shared tenancy, no pre-installed software, capacity used, in the region', () => {
    expect(instanceFilters('m7g.large', 'eu-west-1')).toEqual(
      expect.arrayContaining([
        { Type: 'TERM_MATCH', Field: 'instanceType', Value: 'm7g.large' },
        { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'eu-west-1' },
        { Type: 'TERM_MATCH', Field: 'operatingSystem', Value: 'Linux' },
        { Type: 'TERM_MATCH', Field: 'tenancy', Value: 'Shared' },
        { Type: 'TERM_MATCH', Field: 'preInstalledSw', Value: 'NA' },
        { Type: 'TERM_MATCH', Field: 'capacitystatus', Value: 'Used' }
      ])
    );
  });

  it('makes its client in us-east-1, where the Pricing API answers', async () => {
    const client = createPricingClient({ awsEndpoint: undefined });
    expect(await client.config.region()).toBe(PRICING_API_REGION);
    client.destroy();
  });

  it('pages through GetProducts for each type and for gp3', async () => {
    const client = new PricingClient({ region: PRICING_API_REGION, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const asked: { filters: string; token?: string }[] = [];
    jest.spyOn(client, 'send').mockImplementation(async (command: unknown) => {
      const input = (command as GetProductsCommand).input;
      const filters = (input.Filters ?? []).map(f => `${f.Field}=${f.Value}`).join(',');
      asked.push({ filters, token: input.NextToken });
      if (filters.includes('volumeApiName=gp3')) return GP3_PRODUCTS_PAGE;
      const type = (input.Filters ?? []).find(f => f.Field === 'instanceType')?.Value;
      const entry = INSTANCE_PRODUCTS_PAGE.PriceList.find(p => p.includes(`"instanceType":"${type}"`));
      // m7g.large comes on a second page.
      if (type === 'm7g.large' && !input.NextToken) return { FormatVersion: 'aws_v1', PriceList: [], NextToken: 'page-2' };
      return { FormatVersion: 'aws_v1', PriceList: entry ? [entry] : [] };
    });

    const prices = await createPriceSource(client).fetchPrices('eu-west-1', ['m7g.large', 'c7i.xlarge', 'x9.huge']);

    expect(prices).toEqual({ instances: { 'm7g.large': 0.0912, 'c7i.xlarge': 0.1995 }, gp3UsdPerGiBMonth: 0.088 });
    expect(asked.filter(a => a.filters.includes('instanceType=m7g.large')).map(a => a.token)).toEqual([undefined, 'page-2']);
    expect(asked.every(a => a.filters.includes('regionCode=eu-west-1'))).toBe(true);
  });
});
