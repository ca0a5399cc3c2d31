// Test faults (TEST_FAULTS, JSON), injected into a SenderLedger's I/O, never into the core:
//   senderCrashAfterSendEvery  every Nth send's answer is lost with the object's memory (it
//                              "dies" after the request left, before its outcome was written)
//   ledgerRunFailsEvery        every Nth settle call to the team budget throws (a Durable Object
//                              call that fails after the outcomes were written)
//   ledgerLosesAlarmEvery      every Nth alarm the ledger sets is lost

/** A crash the fault layer simulates: the driver forgets its memory and drops this answer. */
export const CRASH = Symbol("crash");

/**
 * Wraps the ledger's I/O: `perform(effect, …)`, `team` (acquire, settle) and `setAlarm(at)`.
 * Without faults it returns `io` unchanged.
 */
export function withFaults(io, faults = {}) {
  const { senderCrashAfterSendEvery: crashEvery, ledgerRunFailsEvery: settleEvery, ledgerLosesAlarmEvery: alarmEvery } = faults;
  if (!crashEvery && !settleEvery && !alarmEvery) return io;
  let sends = 0;
  let settles = 0;
  let alarms = 0;
  return {
    ...io,
    perform: async (effect, context) => {
      const result = await io.perform(effect, context);
      if (crashEvery && effect.type === "send" && ++sends % crashEvery === 0) return CRASH;
      return result;
    },
    team: {
      acquire: (...args) => io.team.acquire(...args),
      settle: async (outcomes) => {
        if (settleEvery && outcomes.length > 0 && ++settles % settleEvery === 0) throw new Error("test fault: a Durable Object call failed mid-run");
        return io.team.settle(outcomes);
      },
    },
    setAlarm: async (at) => {
      if (alarmEvery && ++alarms % alarmEvery === 0) return io.deleteAlarm();
      return io.setAlarm(at);
    },
  };
}
