// Which e-RS operation each simulator request-log line ("METHOD /path status duration") was, so the
// bench and the e2e tests can count the calls a flow makes (the simulator logs no bodies or queries).

const OPERATIONS: readonly [method: string, path: RegExp, id: string][] = [
  ['GET', /^\/CodeSystem\/[^/]+$/, 'A004'],
  ['POST', /^\/HealthcareService\/\$ers\.searchHealthcareServicesForPatient$/, 'A010'],
  ['POST', /^\/ReferralRequest\/\$ers\.createReferral$/, 'A011'],
  ['POST', /^\/ReferralRequest\/\$ers\.createReferralAndSendForTriage$/, 'A021'],
  ['POST', /^\/Binary$/, 'A020'],
  ['POST', /^\/ReferralRequest\/[^/]+\/\$ers\.maintainReferralLetter$/, 'A012'],
  ['GET', /^\/Slot$/, 'A015'],
  ['POST', /^\/Appointment$/, 'A016'],
  ['GET', /^\/Appointment\/[^/]+(?:\/_history\/[^/]+)?$/, 'A038'],
  ['PUT', /^\/Appointment\/[^/]+$/, 'A034'],
  ['POST', /^\/ReferralRequest\/[^/]+\/\$ers\.changeShortlist$/, 'A031'],
  ['POST', /^\/ReferralRequest\/[^/]+\/\$ers\.generatePatientLetter$/, 'A019'],
  ['POST', /^\/ReferralRequest\/\$ers\.fetchworklist$/, 'A008'],
  ['GET', /^\/ReferralRequest\/[^/$]+(?:\/_history\/[^/]+)?$/, 'A005'],
  ['GET', /^\/HealthcareService(?:\/[^/]+)?$/, 'A033/A035'],
  ['HEAD', /^\/HealthcareService\/[^/]+$/, 'A037'],
];

/** The e-RS operation of one log line (platform or legacy paths), or undefined for anything else. */
export function ersOperation(line: string): string | undefined {
  const m = /^([A-Z]+) (\S+) /.exec(line);
  const tail = m && /\/(?:STU3(?:\/v1)?|R4)(\/.*)$/.exec(m[2]!)?.[1];
  if (!m || !tail) return undefined;
  return OPERATIONS.find(([method, path]) => method === m[1] && path.test(tail))?.[2];
}

/** Collects the simulator's request log; `ops()` lists the e-RS operations since the last `mark()`. */
export function requestLog(): { log(line: string): void; mark(): void; ops(): string[] } {
  let lines: string[] = [];
  return {
    log: (line) => lines.push(line),
    mark: () => {
      lines = [];
    },
    ops: () => lines.map(ersOperation).filter((x): x is string => x !== undefined),
  };
}
