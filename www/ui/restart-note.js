// What a person is told when the library replaced its worker (a trap, a crash, a start that
// hung: classifier.restarts): why a start took seconds longer, or a photo was tried twice.
// Empty when nothing was restarted.

/** @param {Array<{reason: string, during: 'start' | 'call', hung?: boolean}>} restarts */
export function restartNote(restarts) {
  if (!restarts?.length) return '';
  const last = restarts[restarts.length - 1];
  const times = restarts.length === 1 ? 'once' : `${restarts.length} times`;
  const what = last.hung ? 'its start hung' : last.during === 'start' ? 'it failed while starting' : 'it failed on a photo';
  return `The engine was restarted ${times} (the last time ${what}: ${last.reason.replace(/\s+/g, ' ')}).`;
}
