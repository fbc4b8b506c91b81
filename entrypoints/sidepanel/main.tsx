import { render } from 'preact';
import '../../components/nhs.scss';
import './panel.css';
import { App } from './App';
import { browserPanelApi } from '../../utils/referral/panel-api-browser';

render(<App api={browserPanelApi()} />, document.getElementById('app')!);
