// Parts of the panel that are not needed for its first paint (search results, the lists of drafts
// and letters outstanding) load when first shown, so the scripts the panel starts with stay within
// their budget (docs/benchmarks.md). A part that cannot load says so where it would have been.
import { signal } from '@preact/signals';
import type { FunctionComponent } from 'preact';

export type LazyComponent<P> = FunctionComponent<P> & { preload(): void };

export function lazyComponent<P extends object>(load: () => Promise<FunctionComponent<P>>): LazyComponent<P> {
  const loaded = signal<FunctionComponent<P> | undefined>(undefined);
  const failed = signal(false);
  let asked: Promise<void> | undefined;
  const preload = () => {
    asked ??= load().then(
      (component) => {
        loaded.value = component;
      },
      () => {
        asked = undefined;
        failed.value = true;
      },
    );
  };
  const Lazy = (props: P) => {
    preload();
    const Body = loaded.value;
    if (Body) return <Body {...props} />;
    return failed.value ? (
      <p class="nhs-error-message" role="alert">
        This part of the panel could not be loaded. Close the side panel and open it again.
      </p>
    ) : null;
  };
  return Object.assign(Lazy, { preload });
}
