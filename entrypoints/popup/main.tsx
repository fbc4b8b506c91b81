import { render } from 'preact';
import '@/components/nhs.css';
import './popup.css';
import { Popup } from '@/components/popup/Popup';

render(<Popup />, document.getElementById('app')!);
