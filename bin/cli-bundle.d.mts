/** The prebuilt CLI bundle's URL when it is as new as every source it was built from, else undefined. */
export function currentCliBundle(root?: URL): URL | undefined;
