import { SeclabError } from '../../../common/errors.ts';

/**
 * dockerode puts object names into request paths as they are (`/containers/<name>/json`). A
 * name with `/` or `..` makes the engine answer a 301 to a cleaned path, and docker-modem
 * follows redirects — to any host, with no error handler on the new request. So no name
 * outside Docker's own charset reaches a path.
 */

/** moby's RestrictedNameChars (daemon/names): container, volume and network names; IDs fit too. */
const OBJECT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** distribution/reference's grammar: [domain[:port]/]path-component(/path-component)*[:tag][@digest], or an image ID. */
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const IMAGE_REFERENCE = new RegExp(`^(?:(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?|sha256:[0-9a-f]{64})$`);

export function checkedObjectName(kind: 'container' | 'volume' | 'network', name: string): string {
  if (typeof name !== 'string' || name.length > 255 || !OBJECT_NAME.test(name)) {
    throw new SeclabError('INVALID_NAME', `${JSON.stringify(String(name))} is not a Docker ${kind} name: seclab only uses letters, digits, "_", "." and "-", starting with a letter or digit`);
  }
  return name;
}

export function checkedImageReference(reference: string): string {
  if (typeof reference !== 'string' || reference.length > 512 || !IMAGE_REFERENCE.test(reference)) {
    throw new SeclabError('INVALID_NAME', `${JSON.stringify(String(reference))} is not a Docker image reference such as docker.elastic.co/elasticsearch/elasticsearch:9.4.0`);
  }
  return reference;
}
