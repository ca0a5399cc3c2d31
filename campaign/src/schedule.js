// A campaign's sending hours as its senders' ledgers keep them (core/ledger.js `setSchedule`).

/**
 * What `sender`'s ledger keeps of a campaign's `{ sendWindow, senderWindows, jitterMs }`: its
 * own window when `senderWindows` names it, else the campaign's (null: any hour). A campaign
 * stored before sending hours existed has none.
 */
export const scheduleOf = (schedule, sender) =>
  schedule ? { sendWindow: schedule.senderWindows?.[sender] ?? schedule.sendWindow ?? null, jitterMs: schedule.jitterMs ?? 0 } : null;
