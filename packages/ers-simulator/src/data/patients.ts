// Test patients known to the simulator and shown on the demo clinical pages. Fictitious people;
// NHS numbers pass modulus 11 except the two legacy example numbers kept for replaying examples.

export type Sex = 'male' | 'female' | 'other' | 'unknown';

export interface TestPatient {
  nhsNumber: string;
  title: string;
  given: string;
  family: string;
  birthDate: string; // ISO yyyy-mm-dd
  sex: Sex;
  postcode: string;
  address: string;
  /** ODS code of the registered GP practice; null = none (A010/A011 answer NO_REG_GP_PRACTICE). */
  gpPractice: string | null;
  /** PDS record problem: A010/A011 answer PATIENT_ERROR. */
  pdsProblem?: boolean;
  /** No patient-portal access code: A019 answers NO_ACCESS_CODE. */
  noAccessCode?: boolean;
  problems?: string[];
  medications?: string[];
  allergies?: string[];
}

export const TEST_PATIENTS: readonly TestPatient[] = [
  {
    nhsNumber: '9434765919', title: 'Mrs', given: 'Sarah', family: 'JONES', birthDate: '1958-03-14', sex: 'female',
    postcode: 'LS1 4AP', address: '12 Park Row, Leeds', gpPractice: 'B86001',
    problems: ['Essential hypertension', 'Exertional chest pain'], medications: ['Amlodipine 5mg tablets', 'Atorvastatin 20mg tablets'],
    allergies: ['Penicillin - rash'],
  },
  {
    nhsNumber: '9912003888', title: 'Mr', given: 'John', family: 'SMITH', birthDate: '1970-01-01', sex: 'male',
    postcode: 'BR1 1AB', address: '4 High Street, Bromley', gpPractice: 'R68',
    problems: ['Heart failure'], medications: ['Bisoprolol 2.5mg tablets'], allergies: [],
  },
  {
    nhsNumber: '9000000009', title: 'Miss', given: 'Amelia', family: 'TAYLOR', birthDate: '2016-07-22', sex: 'female',
    postcode: 'LS6 2QD', address: '7 Cardigan Road, Leeds', gpPractice: 'B86001',
    problems: ['Recurrent tonsillitis'], medications: [], allergies: ['No known drug allergies'],
  },
  {
    nhsNumber: '4010232137', title: 'Mr', given: 'Ravi', family: 'PATEL', birthDate: '1988-11-05', sex: 'male',
    postcode: 'LS2 9JT', address: '30 Woodhouse Lane, Leeds', gpPractice: 'B86001',
    problems: ['Knee pain', 'Asthma'], medications: ['Salbutamol 100mcg inhaler'], allergies: [],
  },
  {
    nhsNumber: '4857773457', title: 'Ms', given: 'Siobhán', family: "O'BRIEN", birthDate: '1979-02-28', sex: 'female',
    postcode: 'LS7 3HB', address: '88 Chapeltown Road, Leeds', gpPractice: 'B86001',
    problems: ['Change in bowel habit'], medications: ['Levothyroxine 50mcg tablets'], allergies: ['Latex'],
  },
  {
    nhsNumber: '9733333336', title: 'Mr', given: 'George', family: 'WILLIAMS', birthDate: '1945-06-30', sex: 'male',
    postcode: 'LS8 1AA', address: '2 Roundhay Road, Leeds', gpPractice: 'B86001',
    problems: ['Cataract', 'Type 2 diabetes'], medications: ['Metformin 500mg tablets'], allergies: [],
  },
  {
    nhsNumber: '9612345678', title: 'Mx', given: 'Alex', family: 'NOGP', birthDate: '1990-05-05', sex: 'unknown',
    postcode: 'LS3 1AB', address: 'No fixed abode', gpPractice: null,
  },
  {
    nhsNumber: '9456789012', title: 'Mr', given: 'Peter', family: 'PDSERROR', birthDate: '1966-09-09', sex: 'male',
    postcode: 'LS4 2AB', address: '1 Burley Road, Leeds', gpPractice: 'B86001', pdsProblem: true,
  },
  {
    nhsNumber: '9321456783', title: 'Mrs', given: 'Nora', family: 'NOCODE', birthDate: '1950-12-12', sex: 'female',
    postcode: 'LS5 3AB', address: '5 Kirkstall Lane, Leeds', gpPractice: 'B86001', noAccessCode: true,
  },
  // Legacy example patients (9190000000 fails modulus 11; kept so the legacy examples replay).
  {
    nhsNumber: '9190000000', title: 'Mr', given: 'Legacy', family: 'EXAMPLE', birthDate: '1980-01-01', sex: 'male',
    postcode: 'LS1 2UT', address: 'Legacy example', gpPractice: 'R68',
  },
  {
    nhsNumber: '1000000001', title: 'Ms', given: 'Legacy', family: 'SAMPLE', birthDate: '1975-01-01', sex: 'female',
    postcode: 'LS1 2UT', address: 'Legacy example', gpPractice: 'R68',
  },
];
