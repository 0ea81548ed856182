// The part of the `qrcode` package the 设备 screen uses (the package ships no types).
declare module 'qrcode' {
  interface Options {
    margin?: number;
    width?: number;
    errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H';
  }
  const QRCode: { toDataURL(text: string, options?: Options): Promise<string> };
  export default QRCode;
}
