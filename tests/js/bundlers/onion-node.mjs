// Node, `ln-sendpay/onion`: no init().
import { work } from './onion-app.js';

console.log(JSON.stringify(work()));
