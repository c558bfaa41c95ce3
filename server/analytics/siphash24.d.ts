/** Types for the `siphash24` package (it ships none): SipHash-2-4, a 16-byte key, an 8-byte output. */
declare module 'siphash24' {
  function siphash24(data: Uint8Array, key: Uint8Array, out?: Uint8Array, noAssert?: boolean): Uint8Array;
  namespace siphash24 {
    const BYTES: number;
    const KEYBYTES: number;
    const WASM_LOADED: boolean;
  }
  export default siphash24;
}
