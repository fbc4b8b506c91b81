import { render } from 'preact';
import '../../components/nhs.scss';
import './popup.css';
import { Popup } from './Popup';

render(<Popup />, document.getElementById('app')!);
