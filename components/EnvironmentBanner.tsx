import { ENVIRONMENT_LABELS, type Environment } from '../utils/settings/environments';

/** Unmistakable: a full-width coloured strip naming the e-RS environment. */
export function EnvironmentBanner({ environment }: { environment: Environment }) {
  const { label, description } = ENVIRONMENT_LABELS[environment];
  return (
    <div class={`env-banner env-banner--${environment}`} data-environment={environment} title={description}>
      <span>{label}</span>
      <span class="nhs-visually-hidden"> environment: {description}</span>
    </div>
  );
}
