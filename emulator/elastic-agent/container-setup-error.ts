/** A Fleet Server setting the container refuses before it starts (container.go): logged, then exit 1. */
export class ContainerSetupError extends Error {}
