// A host adapter as an administrator would write one, for the tests of adapter settings.

/** A valid custom adapter ("Acme GP") for the pages `matches` names. */
export function customAdapter(matches: string) {
  return {
    id: 'acme-gp',
    name: 'Acme GP',
    matches: [matches],
    recordOpen: { selector: '#p' },
    fields: { nhsNumber: { selector: '#n' }, name: { selector: '#m' } },
  };
}
