import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  convertCustomerCsv,
  convertInSteps,
  type CsvTexts,
  type RowError,
} from '../src/console/ui/customer-csv.ts';
import { placeFieldErrors, placeRepeats } from '../src/console/ui/import-refusal.ts';
import { customerImport } from '../src/http/customer-schemas.ts';

const example = (name: string) => readFileSync(`examples/${name}`, 'utf8');

const fabrikam = '1b0c7a52-3f7e-4c1d-9e55-2a9e2c0d7a10';
const tailspin = '7d2f1e90-5a4b-4c3d-8e2f-1a0b9c8d7e6f';
const stranger = '3f1a2b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b';

const customerHeader =
  'name,tenantId,acquiredAs,mcaAcceptance,billTo.companyName,billTo.email,billTo.country';
const customerLine = (tenantId: string, name = 'Fabrikam', email = 'ap@fabrikam.example') =>
  `${name},${tenantId},direct_bill,partner_attestation,${name} GmbH,${email},DE`;

/** The errors of a conversion, as `row column: message` lines, for readable expectations. */
const errorsOf = (texts: CsvTexts) =>
  convertCustomerCsv(texts).errors.map(
    (e: RowError) =>
      `${e.file === 'subscriptions' ? 'subscriptions ' : ''}${e.row}${e.column ? ` ${e.column}` : ''}: ${e.message}`,
  );

/** One customer row with `cells` changed from a good one. */
function oneCustomer(cells: Record<string, string>): CsvTexts {
  const good: Record<string, string> = {
    name: 'Fabrikam',
    tenantId: fabrikam,
    acquiredAs: 'direct_bill',
    mcaAcceptance: 'partner_attestation',
    'billTo.companyName': 'Fabrikam GmbH',
    'billTo.email': 'ap@fabrikam.example',
    'billTo.country': 'DE',
    ...cells,
  };
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return {
    customers: `${Object.keys(good).join(',')}\n${Object.values(good).map(quote).join(',')}\n`,
  };
}

const expectedBody = [
  {
    name: 'Fabrikam',
    tenantId: fabrikam,
    acquiredAs: 'direct_bill',
    mcaAcceptance: 'partner_attestation',
    billTo: {
      companyName: 'Fabrikam GmbH',
      email: 'billing@fabrikam.example',
      country: 'DE',
      address: 'Hauptstraße 1\n10115 Berlin',
    },
    providerNeedsAdmin: false,
    subscriptions: [
      {
        id: 'fab-e3',
        offer: 'Microsoft 365 E3',
        kind: 'nce_license',
        quantity: 25,
        status: 'active',
        termEndDate: '2027-03-31',
        billingCycle: 'annual',
        transferEligible: false,
      },
      {
        id: 'fab-phone',
        offer: 'Teams Phone',
        kind: 'nce_license',
        quantity: 25,
        baseSubscriptionId: 'fab-e3',
        status: 'active',
        termEndDate: '2027-03-31',
        billingCycle: 'annual',
        transferEligible: false,
      },
      {
        id: 'fab-crm',
        offer: 'Contoso CRM',
        kind: 'marketplace_saas',
        quantity: 25,
        status: 'active',
        billingCycle: 'monthly',
        transferEligible: false,
      },
    ],
  },
  {
    name: 'Tailspin',
    tenantId: tailspin,
    acquiredAs: 'direct_bill',
    mcaAcceptance: 'admin_center',
    billTo: { companyName: 'Tailspin Toys, AG', email: 'ap@tailspin.example', country: 'DE' },
    subscriptions: [],
  },
];

describe('customers from CSV files', () => {
  it('when the example file has customers and subscription rows, then it makes the import body the server takes', () => {
    const converted = convertCustomerCsv({ customers: example('customers.csv') });
    expect(converted.errors).toEqual([]);
    expect(converted.customers).toEqual(expectedBody);
    expect(converted.subscriptionCount).toBe(3);
    // The quoted address spans two lines: the rows after it keep a spreadsheet's numbering.
    expect(converted.rows).toEqual([
      {
        customer: { file: 'customers', row: 2 },
        subscriptions: [
          { file: 'customers', row: 3 },
          { file: 'customers', row: 4 },
          { file: 'customers', row: 5 },
        ],
      },
      { customer: { file: 'customers', row: 6 }, subscriptions: [] },
    ]);
    expect(customerImport.safeParse(converted.customers).success).toBe(true);
  });

  it('when the README shows the example files, then it shows them as they are', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const name of ['customers.csv', 'subscriptions.csv']) {
      expect(readme).toContain(example(name).trim());
    }
  });

  it('when the subscriptions come in a second file keyed by tenant, then each goes to its customer', () => {
    const converted = convertCustomerCsv({
      customers: example('customers-only.csv'),
      subscriptions: example('subscriptions.csv'),
    });
    expect(converted.errors).toEqual([]);
    expect(converted.subscriptionCount).toBe(3);
    expect(converted.customers[0]?.subscriptions).toEqual(expectedBody[0]?.subscriptions);
    expect(converted.rows[0]?.subscriptions).toEqual([
      { file: 'subscriptions', row: 2 },
      { file: 'subscriptions', row: 3 },
      { file: 'subscriptions', row: 4 },
    ]);
    expect(converted.customers[1]?.subscriptions).toEqual([]);
  });

  it('when headers differ in case, spacing and separators, the file starts with a BOM and uses CRLF, then it reads the same', () => {
    const customers =
      '\uFEFF Name ,TENANTID,Acquired As,mca_acceptance,Bill to company name,billto-email,BillTo.Country\r\n' +
      `Fabrikam,${fabrikam.toUpperCase()},Direct Bill,PARTNER_ATTESTATION,"Fabrikam, GmbH",ap@fabrikam.example,de\r\n`;
    const converted = convertCustomerCsv({ customers });
    expect(converted.errors).toEqual([]);
    expect(converted.customers).toEqual([
      {
        name: 'Fabrikam',
        tenantId: fabrikam.toUpperCase(),
        acquiredAs: 'direct_bill',
        mcaAcceptance: 'partner_attestation',
        billTo: { companyName: 'Fabrikam, GmbH', email: 'ap@fabrikam.example', country: 'DE' },
        subscriptions: [],
      },
    ]);
  });

  it('when a subscription row in the subscriptions file names its tenant in another case, then it still finds it', () => {
    const converted = convertCustomerCsv({
      customers: `${customerHeader}\n${customerLine(fabrikam)}\n`,
      subscriptions: `tenantId,subscriptionId,offer,kind,quantity\n${fabrikam.toUpperCase()},s1,E3,NCE license,3\n`,
    });
    expect(converted.errors).toEqual([]);
    expect(converted.customers[0]?.subscriptions).toEqual([
      {
        id: 's1',
        offer: 'E3',
        kind: 'nce_license',
        quantity: 3,
        status: 'active',
        transferEligible: false,
      },
    ]);
  });

  it('when blank lines sit between rows, then they are left out and the rows keep their numbers', () => {
    const converted = convertCustomerCsv({
      customers: `${customerHeader}\n\n${customerLine(fabrikam)}\n,,,,,,\n${customerLine(tailspin, 'Tailspin', 'x@tailspin')}\n`,
    });
    expect(converted.customers).toHaveLength(2);
    expect(converted.rows.map((r) => r.customer.row)).toEqual([3, 5]);
    expect(
      errorsOf({ customers: `${customerHeader}\n\n${customerLine(tailspin, 'T', 'bad')}` }),
    ).toEqual(['3 billTo.email: must be an email address such as ap@fabrikam.example']);
  });
});

describe('a header the format does not know', () => {
  it('when a column is unknown, repeated or missing, then row 1 says which and no row is read', () => {
    expect(
      errorsOf({
        customers: `name,tenantId,tenantId,acquiredAs,billTo.companyName,billTo.email,billTo.country,colour\nx,y,y,z,a,b,c,red\n`,
      }),
    ).toEqual([
      '1 colour: unknown column "colour"; the customers file\'s columns are record, name, tenantId, acquiredAs, mcaAcceptance, billTo.companyName, billTo.email, billTo.country, billTo.address, providerNeedsAdmin, subscriptionId, offer, kind, quantity, baseSubscriptionId, status, termEndDate, billingCycle, transferEligible',
      '1 tenantId: this column appears twice',
      '1 mcaAcceptance: this column is missing',
    ]);
  });

  it('when subscription columns come without a record column, then it asks for one', () => {
    expect(errorsOf({ customers: `${customerHeader},subscriptionId\n` })).toEqual([
      '1 record: subscription columns need a record column saying which rows are customers and which subscriptions',
    ]);
  });

  it('when the subscriptions file is chosen as the customers file, then it says so', () => {
    expect(errorsOf({ customers: example('subscriptions.csv') })).toEqual([
      '1: this looks like a subscriptions file: choose it as the subscriptions file',
    ]);
  });

  it('when the subscriptions file has a customer column, then it is unknown there', () => {
    expect(
      errorsOf({
        customers: example('customers-only.csv'),
        subscriptions: 'tenantId,subscriptionId,offer,kind,quantity,name\n',
      }),
    ).toEqual([
      'subscriptions 1 name: unknown column "name"; the subscriptions file\'s columns are tenantId, subscriptionId, offer, kind, quantity, baseSubscriptionId, status, termEndDate, billingCycle, transferEligible',
    ]);
  });

  it('when the file is empty or has only its header, then it says so', () => {
    expect(errorsOf({ customers: '' })).toEqual([
      '1: the file is empty: the first row names the columns',
    ]);
    expect(errorsOf({ customers: `\uFEFF${customerHeader}\r\n` })).toEqual([
      '2: the file has no customer rows',
    ]);
  });
});

describe('bad rows, each with its row, column and reason', () => {
  it.each([
    [
      { tenantId: 'not-a-guid' },
      'tenantId: must be a tenant ID such as 1b0c7a52-3f7e-4c1d-9e55-2a9e2c0d7a10',
    ],
    [
      { 'billTo.email': 'billing at fabrikam' },
      'billTo.email: must be an email address such as ap@fabrikam.example',
    ],
    [
      { 'billTo.country': 'Germany' },
      'billTo.country: must be an ISO 3166-1 alpha-2 code such as US or DE',
    ],
    [{ acquiredAs: 'reseller' }, 'acquiredAs: must be one of direct_bill, indirect_reseller'],
    [
      { mcaAcceptance: 'maybe' },
      'mcaAcceptance: must be one of none, partner_attestation, admin_center',
    ],
    [{ name: '  ' }, 'name: is empty; a value is required'],
    [{ name: 'x'.repeat(201) }, 'name: is longer than 200 characters, the most stored'],
    [
      { 'billTo.address': 'a'.repeat(501) },
      'billTo.address: is longer than 500 characters, the most stored',
    ],
    [{ providerNeedsAdmin: 'perhaps' }, 'providerNeedsAdmin: must be yes or no (or empty)'],
  ])('when a customer has %o, then row 2 says %s', (cells, message) => {
    expect(errorsOf(oneCustomer(cells))).toEqual([`2 ${message}`]);
  });

  it('when a yes/no column says yes, then the customer needs an admin', () => {
    expect(
      convertCustomerCsv(oneCustomer({ providerNeedsAdmin: 'Yes' })).customers[0],
    ).toMatchObject({
      providerNeedsAdmin: true,
    });
  });

  it('when several rows are bad, then every one is listed, in row order, and good rows are not', () => {
    const customers = [
      customerHeader,
      customerLine(fabrikam),
      customerLine('nope', 'Bad tenant'),
      customerLine(tailspin, 'Tailspin', 'no-at-sign'),
      customerLine(fabrikam.toUpperCase(), 'Fabrikam again'),
      'Short row',
    ].join('\n');
    expect(errorsOf({ customers })).toEqual([
      '3 tenantId: must be a tenant ID such as 1b0c7a52-3f7e-4c1d-9e55-2a9e2c0d7a10',
      '4 billTo.email: must be an email address such as ap@fabrikam.example',
      '5 tenantId: repeats the tenantId of row 2',
      '6 tenantId: is empty; a value is required',
      '6 acquiredAs: is empty; a value is required',
      '6 mcaAcceptance: is empty; a value is required',
      '6 billTo.companyName: is empty; a value is required',
      '6 billTo.email: is empty; a value is required',
      '6 billTo.country: is empty; a value is required',
    ]);
  });

  it('when a row has more cells than the header, then it says how many', () => {
    expect(errorsOf({ customers: `${customerHeader}\n${customerLine(fabrikam)},extra\n` })).toEqual(
      ['2: has 8 cells but the header names 7 columns'],
    );
  });

  it('when subscription rows are wrong, then each is named by its row and column', () => {
    const head = `record,${customerHeader},subscriptionId,offer,kind,quantity,baseSubscriptionId`;
    const sub = (tenant: string, rest: string) => `subscription,,${tenant},,,,,,${rest}`;
    const customers = [
      head,
      `customer,${customerLine(fabrikam)},,,,,`,
      sub(fabrikam, 's1,E3,nce_license,ten,'),
      sub(fabrikam, 's2,E3,nce_license,-1,'),
      sub(fabrikam, 's3,E3,perpetual,1,'),
      sub(fabrikam, 's1,E3,nce_license,1,'),
      sub(fabrikam, 's5,Phone,nce_license,1,s9'),
      sub(stranger, 's6,E3,nce_license,1,'),
      `customer,${customerLine(tailspin, 'Tailspin')},s7,E3,nce_license,1,`,
      `subscription,Fabrikam,${fabrikam},,,,,,s8,,,,`,
      `order,${customerLine(tailspin)},,,,,`,
      `,${customerLine(tailspin)},,,,,`,
    ].join('\n');
    expect(errorsOf({ customers })).toEqual([
      '3 quantity: must be a whole number such as 25',
      '4 quantity: must be at least 0',
      '5 kind: must be one of nce_license, azure_plan, azure_reservation, azure_savings_plan, software, marketplace_saas, legacy_license, legacy_azure',
      '6 subscriptionId: repeats the subscriptionId of row 3',
      '7 baseSubscriptionId: must name another subscription of the same customer',
      '8 tenantId: no customer row has this tenantId',
      '9 subscriptionId: a customer row leaves the subscription columns empty: put each subscription on a row of its own',
      '9 offer: a customer row leaves the subscription columns empty: put each subscription on a row of its own',
      '9 kind: a customer row leaves the subscription columns empty: put each subscription on a row of its own',
      '9 quantity: a customer row leaves the subscription columns empty: put each subscription on a row of its own',
      '10 offer: is empty; a value is required',
      '10 kind: is empty; a value is required',
      '10 quantity: is empty; a value is required',
      '10 name: a subscription row leaves the customer columns empty, apart from its tenantId',
      '11 record: must be customer or subscription',
      '12 record: must be customer or subscription',
    ]);
  });

  it('when a subscription in the second file repeats one of the first, then the second file row is named', () => {
    expect(
      errorsOf({
        customers: `record,${customerHeader},subscriptionId,offer,kind,quantity\ncustomer,${customerLine(fabrikam)},,,,\nsubscription,,${fabrikam},,,,,,s1,E3,nce_license,1`,
        subscriptions: `tenantId,subscriptionId,offer,kind,quantity\n${fabrikam},s1,E3,nce_license,2\n`,
      }),
    ).toEqual(['subscriptions 2 subscriptionId: repeats the subscriptionId of row 3']);
  });

  it('when a quote is misplaced or never closed, then the row where the CSV breaks is named', () => {
    expect(
      errorsOf({ customers: `${customerHeader}\n${customerLine(fabrikam)}\nFab"rikam,x\n` }),
    ).toEqual([
      '3: The file is not valid CSV here: a cell has a quote (") inside it: put the whole cell in quotes and double each quote inside ("").',
    ]);
    expect(
      errorsOf({ customers: `${customerHeader}\n"Fabrikam,x\n${customerLine(tailspin)}\n` }),
    ).toEqual([
      '2: The file is not valid CSV here: a quote opened on this row is never closed, so the rest of the file would be one cell.',
    ]);
  });

  it('when a file holds more customers than one import takes, then the first one over is named', () => {
    const lines = Array.from({ length: 10_001 }, (_, i) =>
      customerLine(crypto.randomUUID(), `Customer ${i}`),
    );
    const converted = convertCustomerCsv({ customers: `${customerHeader}\n${lines.join('\n')}` });
    expect(converted.errors.map((e) => `${e.row}: ${e.message}`)).toEqual([
      '10002: is customer 10001: an import takes at most 10,000 customers; split the file',
    ]);
  });
});

describe("a subscription's status, term, billing and transfer eligibility", () => {
  const head =
    'tenantId,subscriptionId,offer,kind,quantity,status,termEndDate,billingCycle,transferEligible';
  const convert = (...rows: string[]) =>
    convertCustomerCsv({
      customers: `${customerHeader}\n${customerLine(fabrikam)}\n`,
      subscriptions: `${head}\n${rows.join('\n')}\n`,
    });

  it('when the columns are filled, in any case and with spaces, then each subscription carries them; when empty, the defaults apply', () => {
    const converted = convert(
      `${fabrikam},ri,Reserved VM,Azure reservation,1,Active,2027-06-30,Triennial,`,
      `${fabrikam},crm,Contoso CRM,Marketplace SaaS,5,,,Monthly,Yes`,
      `${fabrikam},tools,Visio 2024,software,2,trial,,one time,no`,
      `${fabrikam},e3,E3,nce_license,10,,,,`,
    );
    expect(converted.errors).toEqual([]);
    expect(converted.customers[0]?.subscriptions).toEqual([
      {
        id: 'ri',
        offer: 'Reserved VM',
        kind: 'azure_reservation',
        quantity: 1,
        status: 'active',
        termEndDate: '2027-06-30',
        billingCycle: 'triennial',
        transferEligible: false,
      },
      {
        id: 'crm',
        offer: 'Contoso CRM',
        kind: 'marketplace_saas',
        quantity: 5,
        status: 'active',
        billingCycle: 'monthly',
        transferEligible: true,
      },
      {
        id: 'tools',
        offer: 'Visio 2024',
        kind: 'software',
        quantity: 2,
        status: 'trial',
        billingCycle: 'one_time',
        transferEligible: false,
      },
      {
        id: 'e3',
        offer: 'E3',
        kind: 'nce_license',
        quantity: 10,
        status: 'active',
        transferEligible: false,
      },
    ]);
    expect(customerImport.safeParse(converted.customers).success).toBe(true);
  });

  it('when a value is not one the server takes, then its row and column say what is expected', () => {
    const errors = convert(
      `${fabrikam},s1,E3,nce_license,1,paused,,,`,
      `${fabrikam},s2,E3,nce_license,1,,31/01/2027,,`,
      `${fabrikam},s3,E3,nce_license,1,,,weekly,`,
      `${fabrikam},s4,E3,marketplace_saas,1,,,,maybe`,
      `${fabrikam},s5,E3,nce_license,1,,2027-02-30,,`,
    ).errors.map((e) => `${e.row} ${e.column}: ${e.message}`);
    expect(errors).toEqual([
      '2 status: must be one of active, suspended, expired, trial',
      '3 termEndDate: must be a date written YYYY-MM-DD, such as 2027-01-31',
      '4 billingCycle: must be one of monthly, annual, triennial, one_time, none',
      '5 transferEligible: must be yes or no (or empty)',
      '6 termEndDate: must be a date written YYYY-MM-DD, such as 2027-01-31',
    ]);
  });
});

describe('a large file', () => {
  it('when a file has 10,000 customers with a subscription each, then it converts in well under two seconds, reporting progress', () => {
    const tenants = Array.from({ length: 10_000 }, () => crypto.randomUUID());
    const customers =
      `record,${customerHeader},subscriptionId,offer,kind,quantity\n` +
      tenants
        .flatMap((t, i) => [
          `customer,"Customer ${i}, Ltd",${t},direct_bill,none,"Customer ${i}, Ltd",ap${i}@example.com,GB,,,,`,
          `subscription,,${t},,,,,,sub-${i},Microsoft 365 E3,nce_license,${i % 300}`,
        ])
        .join('\n');
    const started = performance.now();
    const steps = convertInSteps({ customers });
    const seen: number[] = [];
    let step = steps.next();
    while (!step.done) {
      seen.push(step.value.done);
      step = steps.next();
    }
    const elapsed = performance.now() - started;
    expect(step.value.errors).toEqual([]);
    expect(step.value.customers).toHaveLength(10_000);
    expect(step.value.subscriptionCount).toBe(10_000);
    expect(step.value.rows[9_999]?.subscriptions).toEqual([{ file: 'customers', row: 20_001 }]);
    // Steps of 500 rows, over the 20,000 rows and then the 10,000 customers checked.
    expect(seen).toHaveLength(60);
    expect(seen.at(-1)).toBe(30_000);
    expect(elapsed).toBeLessThan(2_000);
  });
});

describe("the server's refusals, on the rows they came from", () => {
  const converted = convertCustomerCsv({
    customers: example('customers-only.csv'),
    subscriptions: example('subscriptions.csv'),
  });

  it('when the server refuses fields by path, then each is put on its row and column', () => {
    expect(
      placeFieldErrors(converted, [
        { path: '1.tenantId', message: 'Invalid UUID' },
        { path: '[0].subscriptions[1].baseSubscriptionId', message: 'must name another' },
        { path: '0.subscriptions.0.id', message: 'too long' },
        { path: '0.billTo.email', message: 'Invalid email' },
        { path: '', message: 'too many' },
      ]),
    ).toEqual([
      { file: 'customers', row: 3, column: 'tenantId', message: 'Invalid UUID' },
      {
        file: 'subscriptions',
        row: 3,
        column: 'baseSubscriptionId',
        message: 'must name another',
      },
      { file: 'subscriptions', row: 2, column: 'subscriptionId', message: 'too long' },
      { file: 'customers', row: 2, column: 'billTo.email', message: 'Invalid email' },
      { file: 'customers', row: 1, message: 'too many' },
    ]);
  });

  it('when the partner already has a tenant or a subscription, then the rows naming them are listed', () => {
    expect(
      placeRepeats(converted, { tenantIds: [tailspin], subscriptionIds: ['fab-phone'] }),
    ).toEqual([
      {
        file: 'customers',
        row: 3,
        column: 'tenantId',
        message: 'the partner already has a customer with this tenantId',
      },
      {
        file: 'subscriptions',
        row: 3,
        column: 'subscriptionId',
        message: 'the partner already has a subscription with this id',
      },
    ]);
  });
});
