/** A request the client got wrong; answered with a soapenv:Client fault. */
export class SoapClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SoapClientError';
  }
}
