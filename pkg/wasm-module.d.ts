// `import wasm from 'ln-sendpay/ln_sendpay_bg.wasm'`: what a bundler makes of the module's
// .wasm — a URL with esbuild's `file` loader (or Vite's `?url`), a WebAssembly.Module in
// Workers. Either goes to `init(wasm)`.
declare const wasm: string | WebAssembly.Module;
export default wasm;
