import { LabIcon } from '@jupyterlab/ui-components';

/** A prism: the launcher card and the panel's tab. */
export const prismIcon = new LabIcon({
  name: 'jupyterlab-prism:prism',
  svgstr: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16">
  <path class="jp-icon3" fill="#616161" d="M12 2 2 20h20L12 2zm0 4.2L18.6 18H5.4L12 6.2z"/>
  <path class="jp-icon3" fill="#616161" opacity="0.5" d="M12 9.5 8.2 16.2h7.6z"/>
</svg>`
});
