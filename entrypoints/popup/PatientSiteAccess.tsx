// Popup section: enable the patient-context reader on the current tab's site (one click).
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { enableOrigin, listEnabledOrigins, originPattern } from '../../utils/patient/host-access';

export function PatientSiteAccess() {
  const [tab, setTab] = useState<{ id?: number; url?: string }>();
  const [enabled, setEnabled] = useState<boolean>();
  const [message, setMessage] = useState('');
  const pattern = originPattern(tab?.url);

  useEffect(() => {
    void (async () => {
      const [t] = await browser.tabs.query({ active: true, currentWindow: true });
      setTab(t);
      const p = originPattern(t?.url);
      setEnabled(!!p && (await listEnabledOrigins()).includes(p));
    })();
  }, []);

  if (!pattern) return <p>Patient context runs on https clinical systems you enable (and the local demo).</p>;
  if (enabled) return <p>Patient context is on for {pattern}.</p>;
  return (
    <p>
      <button
        type="button"
        onClick={() =>
          void enableOrigin(pattern, tab?.id).then((ok) => {
            setEnabled(ok);
            setMessage(ok ? 'Enabled. The Refer button appears when a patient record is open.' : 'Permission was not granted.');
          })
        }
      >
        Read patients on {new URL(tab!.url!).host}
      </button>{' '}
      <span role="status">{message}</span>
    </p>
  );
}
