/** Plain, accessible HTML for the consent link: no script, works with any browser. */

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1b1b1b; }
  h1 { font-size: 1.5rem; }
  .statement { border-left: 4px solid #0b5cad; padding: 0.5rem 1rem; background: #f3f7fb; }
  label { display: block; margin-top: 0.75rem; font-weight: 600; }
  input, textarea { width: 100%; padding: 0.5rem; font: inherit; box-sizing: border-box; }
  .actions { display: flex; gap: 1rem; margin-top: 1.25rem; flex-wrap: wrap; }
  button { font: inherit; padding: 0.6rem 1.2rem; border-radius: 4px; border: 2px solid #0b5cad; cursor: pointer; }
  button.primary { background: #0b5cad; color: #fff; }
  button.secondary { background: #fff; color: #0b5cad; }
  button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
  dt { font-weight: 600; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export interface ConsentPageFacts {
  partnerName: string;
  providerName: string;
  customerName: string;
  billTo: { companyName: string; email: string; country: string; address?: string };
  statementVersion: string;
  statementText: string;
  statementHash: string;
  expiresAt: string;
}

export function consentForm(facts: ConsentPageFacts, action: string): string {
  const billTo = facts.billTo;
  return page(
    'Consent to a reseller relationship',
    `<h1>${escapeHtml(facts.partnerName)} asks for your consent</h1>
<p>${escapeHtml(facts.partnerName)}, the Microsoft cloud partner of <strong>${escapeHtml(facts.customerName)}</strong>,
asks you to accept <strong>${escapeHtml(facts.providerName)}</strong> as an authorized reseller for your organization.</p>
<h2>What this means</h2>
<ul>
  <li>${escapeHtml(facts.providerName)} becomes your reseller of Microsoft cloud services, through ${escapeHtml(facts.partnerName)}.</li>
  <li>Your bill-to information below is shared with ${escapeHtml(facts.providerName)}.</li>
  <li>${escapeHtml(facts.providerName)} receives <strong>no administrative rights</strong> in your tenant through this step.</li>
</ul>
<h2>Bill-to information that will be shared</h2>
<dl>
  <dt>Company</dt><dd>${escapeHtml(billTo.companyName)}</dd>
  <dt>Billing email</dt><dd>${escapeHtml(billTo.email)}</dd>
  <dt>Country</dt><dd>${escapeHtml(billTo.country)}</dd>
  ${billTo.address ? `<dt>Address</dt><dd>${escapeHtml(billTo.address)}</dd>` : ''}
</dl>
<h2>Statement</h2>
<p class="statement" id="statement">${escapeHtml(facts.statementText)}</p>
<p><small>Statement ${escapeHtml(facts.statementVersion)}, sha256 ${escapeHtml(facts.statementHash)}. This link expires ${escapeHtml(facts.expiresAt)}.</small></p>
<form method="post" action="${escapeHtml(action)}">
  <label for="name">Your name</label>
  <input id="name" name="name" autocomplete="name" required maxlength="200">
  <label for="email">Your work email</label>
  <input id="email" name="email" type="email" autocomplete="email" required maxlength="254">
  <label for="reason">Reason, if you decline (optional)</label>
  <textarea id="reason" name="reason" rows="3" maxlength="2000"></textarea>
  <div class="actions">
    <button class="primary" type="submit" name="decision" value="consent">I consent</button>
    <button class="secondary" type="submit" name="decision" value="decline" formnovalidate>I decline</button>
  </div>
</form>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p role="status">${escapeHtml(message)}</p>`);
}
