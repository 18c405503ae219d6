import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FAULT_CODES } from '../../src/faults/fault-rule';
import { maskHeaders, maskJson, maskXml } from '../../src/journal/secret-masking';

describe('maskXml', () => {
  it('masks the text of secret elements whatever their prefix, attributes or CDATA, and nothing else', () => {
    const xml =
      '<soapenv:Header><ns:tokenPassport><ns:account>A1</ns:account><ns:token>tk-1</ns:token><ns:nonce>n0nce</ns:nonce>' +
      '<ns:signature algorithm="HMAC-SHA256">c2lnbmF0dXJl+/=</ns:signature></ns:tokenPassport>' +
      '<passport><email>a@b.c</email><password><![CDATA[p<a>ss]]></password></passport></soapenv:Header>' +
      '<x:signatureless>kept</x:signatureless><x:password/><x:newPassword>n3w</x:newPassword><x:tokenSecret>ts</x:tokenSecret><x:password2></x:password2>';
    expect(maskXml(xml)).toBe(
      '<soapenv:Header><ns:tokenPassport><ns:account>A1</ns:account><ns:token>tk-1</ns:token><ns:nonce>n0nce</ns:nonce>' +
        '<ns:signature algorithm="HMAC-SHA256">***</ns:signature></ns:tokenPassport>' +
        '<passport><email>a@b.c</email><password>***</password></passport></soapenv:Header>' +
        '<x:signatureless>kept</x:signatureless><x:password/><x:newPassword>***</x:newPassword><x:tokenSecret>***</x:tokenSecret><x:password2></x:password2>',
    );
  });

  it('masks the rest of a secret element that a cap cut in two, or that the client never closed', () => {
    expect(maskXml('<a>1</a><ns:password>hunt')).toBe('<a>1</a><ns:password>***');
    expect(maskXml('<signature algorithm="HMAC-SHA1"><![CDATA[abc')).toBe('<signature algorithm="HMAC-SHA1">***');
    expect(maskXml('<password>x</password><email>e</email>')).toBe('<password>***</password><email>e</email>');
    // Never closed, with more markup after it: masked up to the next tag.
    expect(maskXml('<p><password>hunter2</p><email>e</email>')).toBe('<p><password>***</p><email>e</email>');
    // One secret closed, one left open after it: the open one is masked all the same.
    expect(maskXml('<password>a</password><signature>s<x/>')).toBe('<password>***</password><signature>***<x/>');
    expect(maskXml('<password>a</password><signature>***')).toBe('<password>***</password><signature>***');
    expect(maskXml('<password></password><tokenSecret><!-- x -->y</p>')).toBe('<password></password><tokenSecret>***');
  });

  it('masks a secret a comment splits, and secret elements in any letter case', () => {
    expect(maskXml('<c:password>hunt<!-- -->er2</c:password>')).toBe('<c:password>***</c:password>');
    expect(maskXml('<c:PASSWORD>hunter2</c:PASSWORD><Signature>s</Signature>')).toBe('<c:PASSWORD>***</c:PASSWORD><Signature>***</Signature>');
    expect(maskXml('<c:password>hunt<!-- cut her')).toBe('<c:password>***');
  });
});

describe('maskHeaders', () => {
  it('keeps the scheme of Authorization and the names of cookies, and masks their secrets', () => {
    expect(
      maskHeaders({
        authorization: 'Basic dGs6c2VjcmV0',
        'proxy-authorization': 'weird',
        cookie: 'JSESSIONID=abc; NS_ROUTING_VERSION=LAGGING',
        'x-admin-token': 'adm',
        'x-api-key': 'k',
        'x-consumer-secret': 's',
        soapaction: 'checkAsyncStatus',
        'content-type': 'text/xml',
      }),
    ).toEqual({
      authorization: 'Basic ***',
      'proxy-authorization': '***',
      cookie: 'JSESSIONID=***; NS_ROUTING_VERSION=***',
      'x-admin-token': '***',
      'x-api-key': '***',
      'x-consumer-secret': '***',
      soapaction: 'checkAsyncStatus',
      'content-type': 'text/xml',
    });
  });
});

describe('maskJson', () => {
  it('masks the values of keys named for a secret', () => {
    expect(maskJson('{"name":"n","password":"p\\"w","nested":{"tokenSecret":"t","n":1},"signature":12,"note":"password"}')).toBe(
      '{"name":"n","password":"***","nested":{"tokenSecret":"***","n":1},"signature":"***","note":"password"}',
    );
  });

  it('masks lists and objects under a secret key, and leaves JSON without secrets as sent', () => {
    expect(maskJson('{"passwords": ["a", "b"], "secret": {"k": "v"}, "keep": [1, 2]}')).toBe('{"passwords":"***","secret":"***","keep":[1,2]}');
    expect(maskJson('{ "note" : "my password is not here" }')).toBe('{ "note" : "my password is not here" }');
  });

  it('masks to the end a secret value that the cap cut, or that a cut text holds in a list', () => {
    expect(maskJson('{"user":"u","password":"hunter2-very-long-secre')).toBe('{"user":"u","password":"***"');
    expect(maskJson('{"a":1,"tokenSecret":"t","passwords":["x","y"],"b":"c')).toBe('{"a":1,"tokenSecret":"***","passwords":"***"');
  });
});

describe('injectable fault codes', () => {
  it('are among the FaultCodeType values the served schema lists, so an injected fault validates', () => {
    const xsd = readFileSync(path.join(__dirname, '../../wsdl/platform/faultTypes.xsd'), 'utf8');
    const faultCodeType = xsd.slice(xsd.indexOf('name="FaultCodeType"'), xsd.indexOf('</xsd:simpleType>', xsd.indexOf('name="FaultCodeType"')));
    expect([...faultCodeType.matchAll(/value="([A-Z_]+)"/g)].map((match) => match[1])).toEqual(expect.arrayContaining([...FAULT_CODES]));
  });
});
