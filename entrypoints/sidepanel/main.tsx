import { render } from 'preact';
import '../../components/nhs.css';
import '../../components/panel/panel.css';
import { App } from '../../components/panel/App';
import { browserPanelApi } from '../../utils/referral/panel-api-browser';

render(<App api={browserPanelApi()} />, document.getElementById('app')!);
