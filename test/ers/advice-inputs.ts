// Inputs a user of the client would give for each A044 example request in the contract pack, as
// plain data. buildCreateAdviceAndGuidance must turn each into a body deep-equal to the example.
import type { CreateAdviceBody } from '../../utils/ers/advice';
import type { SearchCriteria } from '../../utils/ers';
import { PLATFORM_SPECIALTY, heartFailure } from './conformance-inputs';

export const ADVICE_CASES: {
  file: string;
  input: Omit<CreateAdviceBody, 'criteria'>;
  criteria: SearchCriteria;
  specialtySystem: string;
}[] = [
  {
    file: 'platform/A044_request_ExampleRCAWithAttachments.json',
    input: {
      nhsNumber: '9912003888',
      conversion: 'AUTHORISED_TO_CONVERT',
      serviceId: '11014',
      request: 'Request text.',
      files: [{ url: 'Binary/e1015896-92f4-4073-ad3c-5f30fca76448', indexed: '2021-09-29T13:22:35.335000+00:00', description: 'Treatment Specification' }],
      referringClinician: '021600556514',
    },
    criteria: heartFailure('ROUTINE'),
    specialtySystem: PLATFORM_SPECIALTY,
  },
  {
    file: 'platform/A044_request_ExampleRCWithoutAttachments.json',
    input: { nhsNumber: '9912003888', conversion: 'NOT_AUTHORISED_TO_CONVERT', serviceId: '11014', request: 'Request text.' },
    criteria: heartFailure('ROUTINE'),
    specialtySystem: PLATFORM_SPECIALTY,
  },
];
