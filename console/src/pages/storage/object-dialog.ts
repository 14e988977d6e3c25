/** What every dialog about one object is given: the object, and how to close the dialog. */
export interface ObjectDialogProps {
  bucket: string;
  objectKey: string;
  onClose: () => void;
}
