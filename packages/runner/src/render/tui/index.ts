export { startTui, type Tui, type TuiOptions } from './tui.js';
