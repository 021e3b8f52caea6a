// Node, as an ES module: no init().
import { work } from './app.js';

console.log(JSON.stringify(work()));
