/* global module -- a jest transform is CommonJS, loaded by jest itself */
/**
 * Jest runs CommonJS without ESM support, so `import('http')` inside a dependency throws there
 * (it works under node and tsx). The OTLP exporter loads http/https that way: this transform
 * turns such imports of Node built-ins into require() for jest only.
 */
module.exports = {
  process(source) {
    return { code: source.replace(/\bimport\((['"])(http|https|zlib)\1\)/g, 'Promise.resolve(require($1$2$1))') };
  },
};
