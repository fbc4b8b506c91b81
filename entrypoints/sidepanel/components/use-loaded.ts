// A component loaded on first use, inside a part that is itself loaded late (booking, changing the
// services). Plain hooks, not lazy.tsx: a late chunk that imports lazy.tsx (and with it the signals
// library) makes the bundler split those out of the panel's first script, which costs bytes at start.
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** The component once `load` has given it; undefined until then, or if it could not be loaded. */
export function useLoaded<P>(load: () => Promise<FunctionComponent<P>>): FunctionComponent<P> | undefined {
  const [loaded, setLoaded] = useState<{ C: FunctionComponent<P> }>();
  useEffect(() => {
    let live = true;
    load().then(
      (C) => live && setLoaded({ C }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return loaded?.C;
}
