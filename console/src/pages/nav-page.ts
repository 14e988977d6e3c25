import type { ComponentType } from 'react';
import type { PageDef, PageProps } from './types.js';

type Section = NonNullable<PageDef['nav']>['section'];

/** A page the navigation lists under `section`, by its title, at its own route. */
export function navPage(
  section: Section,
  route: string,
  title: string,
  component: ComponentType<PageProps>,
): PageDef {
  return { route, title, component, nav: { section, label: title, path: route } };
}
