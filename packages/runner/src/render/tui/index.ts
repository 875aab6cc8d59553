// First, so that React and Ink load their production builds.
import './production.js';

export { startTui, type Tui, type TuiOptions } from './tui.js';
