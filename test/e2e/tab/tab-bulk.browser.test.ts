import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildTab } from '../../../scripts/build-tab.js';
import {
  CHROMIUM_FLAGS,
  CHROMIUM_PATH,
  chromiumInstalled,
  SCREENSHOT_DIR,
} from '../../helpers/playground.js';
import {
  cast,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../relationships/relationships-world.js';

// The tab's bulk upload page in headless Chromium, through the real server and the real API
// (open mode's local sign-in): a file picked, the dry run's reasons, the run polled to its end
// in the background, the result file downloaded with the uploader's links and codes.
describe('the tab’s bulk upload page in a browser (real server, real API)', function () {
  if (!chromiumInstalled()) {
    it.skip(
      `skipped: Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium fonts-liberation)`
    );
    return;
  }
  this.timeout(90_000);

  let w: RelationshipsWorld;
  let browser: Browser;
  let page: Page;
  let dir: string;
  before(async () => {
    await buildTab();
    w = await startRelationshipsWorld();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    dir = fs.mkdtempSync(path.join(w.app.dataDir, 'upload-'));
  });
  after(async () => {
    await browser?.close();
    await w?.stop();
  });

  it('checks a reseller’s file with a reason per row, runs it, shows progress to the end and gives the result file', async () => {
    const file = path.join(dir, 'customers.csv');
    fs.writeFileSync(
      file,
      '\uFEFFcompany;admin email\r\nAlpine Ski House;admin@alpine.example\r\nBad Row;not-an-email\r\n' +
        'Coho Winery;\r\nalpine ski house;\r\n'
    );
    await page.goto(`${w.app.url}/tab`);
    await page.getByRole('button', { name: new RegExp(cast.reseller.name) }).click();
    await page.getByRole('tab', { name: 'Invite from CSV' }).click();
    await page.getByLabel('CSV file', { exact: true }).setInputFiles(file);

    await page.getByText('Checked: 2 to invite, 2 refused').waitFor();
    const rows = page.getByRole('table', { name: 'Rows of the file' }).getByRole('row');
    expect(await rows.nth(2).innerText()).to.match(/Bad Row\s+Refused\s+.*address/i);
    expect(await rows.nth(4).innerText()).to.match(
      /alpine ski house\s+Refused\s+The same as row 2/
    );
    expect(await w.collection('invitations').countDocuments({}), 'a dry run').to.equal(0);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'tab-bulk-checked.png') });

    await page.getByRole('button', { name: 'Invite 2' }).click();
    await page.getByText('Done: 2 invited, 0 failed, 2 refused.').waitFor();
    expect(await rows.nth(1).innerText()).to.match(
      /Alpine Ski House\s+Invited\s+.*\/invitations\//
    );
    const made = await w.collection('invitations').find({}).toArray();
    expect(
      made.map((i) => (i.customer as { companyName: string }).companyName).sort()
    ).to.deep.equal(['Alpine Ski House', 'Coho Winery']);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'tab-bulk-done.png') });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the result file' }).click(),
    ]);
    const csv = fs.readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    expect(csv.split('\r\n')[0]).to.equal('Row,To,Outcome,Reason,Invitation,Link,Code');
    expect(csv).to.match(/\n2,Alpine Ski House,created,,[0-9a-f]{24},http\S+\/invitations\/\S+,C/);
  });
});
